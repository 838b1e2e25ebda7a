import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { eventually } from '../../support/eventually.js';
import { getAs, postAs } from '../../support/http.js';
import { addUser, uploadEcgStudy } from '../../support/reading.js';
import { recordFigure } from '../../support/reliability.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { baseUrlOf, startTestApp, type TestApp } from '../../support/test-app.js';

const LEASE_SECONDS = 2;
const READER_PROCESS = path.join(import.meta.dirname, '..', '..', 'support', 'reader-process.mjs');

type WriteLine = { event: 'write'; kind: string; sentAt: number; status: number; message: string | null };
type ReaderLine = { event: 'claimed'; taskId: string; fencingToken: number } | WriteLine | { event: 'done' };

/** The reader-process.mjs child, with the lines it printed so far. */
function startReaderProcess(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [READER_PROCESS], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: ReaderLine[] = [];
  const wake = new Set<() => void>();
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line) as ReaderLine);
    for (const w of [...wake]) w();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Woken by each line (not polled), so the test can act on a line within milliseconds of it.
  const waitFor = <L extends ReaderLine>(what: string, match: (l: ReaderLine) => l is L, ms = 30_000) =>
    new Promise<L>((resolve, reject) => {
      const done = (err: Error | null, line?: L) => {
        clearTimeout(timer);
        wake.delete(check);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(line!);
      };
      const check = () => {
        const line = lines.find(match);
        if (line) done(null, line);
      };
      const onExit = () => setImmediate(() => done(new Error(`the reader process exited before ${what}:\n${stderr}`)));
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}:\n${stderr}`)), ms);
      wake.add(check);
      child.once('exit', onExit);
      check();
    });
  return { child, lines, exited, waitFor };
}

describe('fault: a reader process is stopped past its lease and resumed', () => {
  let t: TestApp;
  let a: Tenant;
  let stalled: Awaited<ReturnType<typeof addUser>>;
  let reader: ReturnType<typeof startReaderProcess> | undefined;

  beforeAll(async () => {
    t = await startTestApp({ READING_LEASE_SECONDS: String(LEASE_SECONDS) });
    a = await createTenant(t);
    // A senior reader, so that its late sign is refused for the lease and not for the role.
    stalled = await addUser(t, a, { role: 'senior_reader', privileges: [{ discipline: 'ecg', canSign: true }] });
  });
  afterAll(async () => {
    if (reader?.child.exitCode === null) {
      reader.child.kill('SIGCONT');
      reader.child.kill('SIGKILL');
    }
    await t?.close();
  });

  it('refuses every late write of its old fencing token with 409; the new holder’s draft stays intact', async () => {
    const studyId = await uploadEcgStudy(t, a.tokens.clinic_doctor, 'STALL-1');
    const req = await postAs(t, '/api/requests', a.tokens.clinic_doctor, { studyId, priority: 'routine' }).expect(201);
    const taskId = req.body.task.id as string;

    reader = startReaderProcess({
      HUB_URL: baseUrlOf(t),
      READER_USERNAME: stalled.username,
      READER_PASSWORD: stalled.password,
      CENTRE_ID: a.centreIds.ecg,
      HOLD_EVERY_MS: '400',
    });
    const claimed = await reader.waitFor(
      'the reader process claims',
      (l): l is Extract<ReaderLine, { event: 'claimed' }> => l.event === 'claimed',
    );
    expect(claimed.taskId).toBe(taskId);
    // It holds the lease (heartbeats and autosaves) until it is stopped after its first saved draft.
    const isWrite = (l: ReaderLine): l is WriteLine => l.event === 'write';
    await reader.waitFor(
      'its first saved draft',
      (l): l is WriteLine => isWrite(l) && l.kind === 'draft' && l.status === 200,
    );
    reader.child.kill('SIGSTOP');
    const stoppedAt = Date.now();

    // Its lease runs out; the next claim of the centre returns the task to the queue and gives it to another reader.
    const second = await eventually('the lease to run out and the task to be claimed again', async () => {
      const res = await postAs(t, `/api/centres/${a.centreIds.ecg}/claim`, a.tokens.reader, {});
      return res.status === 200 ? res : undefined;
    });
    expect(second.body).toMatchObject({ id: taskId, fencingToken: claimed.fencingToken + 1 });
    const newDraft = '第二位医师的草稿：窦性心律，正常心电图';
    await request(t.http)
      .put(`/api/tasks/${taskId}/report`)
      .auth(a.tokens.reader, { type: 'bearer' })
      .send({ fencingToken: second.body.fencingToken, findings: '', impression: newDraft })
      .expect(200);

    // Taken before the signal: the process may run (and send) on the other core before kill() returns here.
    const resumedAt = Date.now();
    reader.child.kill('SIGCONT');
    await reader.waitFor(
      'the reader process to finish its late writes',
      (l): l is Extract<ReaderLine, { event: 'done' }> => l.event === 'done',
    );
    expect(await reader.exited).toBe(0);

    const writes = reader.lines.filter(isWrite);
    const before = writes.filter((w) => w.sentAt <= stoppedAt);
    const late = writes.filter((w) => w.sentAt >= resumedAt);
    expect(before.length + late.length).toBe(writes.length); // nothing was sent while it was stopped
    expect(before.map((w) => w.status).every((s) => s === 200)).toBe(true);
    expect(late.map((w) => w.kind)).toEqual(expect.arrayContaining(['draft', 'submit', 'sign']));
    for (const w of late) {
      expect({ kind: w.kind, status: w.status }).toEqual({ kind: w.kind, status: 409 });
      expect(w.message).toMatch(/no longer current/);
    }

    // The new holder still holds the task, and its draft is the report, through the API and in the tables.
    const seen = await getAs(t, `/api/tasks/${taskId}`, a.tokens.reader).expect(200);
    expect(seen.body.report).toMatchObject({ impression: newDraft, status: 'draft' });
    const [task] = await t.sql<{ holder_user_id: string; fencing_token: string; state: string }>(
      'SELECT holder_user_id, fencing_token, state FROM reading_tasks WHERE id = $1',
      [taskId],
    );
    expect(task).toMatchObject({ fencing_token: String(second.body.fencingToken), state: 'drafted' });
    expect(task!.holder_user_id).not.toBe(stalled.id);
    const [report] = await t.sql<{ impression: string; status: string; signed_by: string | null }>(
      'SELECT impression, status, signed_by FROM reports WHERE task_id = $1',
      [taskId],
    );
    expect(report).toEqual({ impression: newDraft, status: 'draft', signed_by: null });
    // Every draft version the stalled reader stored was one it saved while it held the lease.
    const [{ versions }] = await t.sql<{ versions: number }>(
      `SELECT count(*)::int AS versions FROM report_versions v JOIN reports r ON r.id = v.report_id
        WHERE r.task_id = $1 AND v.saved_by = $2`,
      [taskId, stalled.id],
    );
    expect(versions).toBe(before.filter((w) => w.kind === 'draft').length);

    const paused = ((resumedAt - stoppedAt) / 1000).toFixed(1);
    await recordFigure(
      `lease ${LEASE_SECONDS} s; paused ${paused} s; ${late.length} late writes ` +
        `(${late.map((w) => w.kind).join(', ')}), ${late.filter((w) => w.status === 409).length} refused 409; ` +
        `new holder's draft intact`,
    );
  });
});
