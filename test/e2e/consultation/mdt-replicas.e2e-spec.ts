import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { MdtEvent } from '@hub/consultation';
import { openConsultation } from '../../support/consultations.js';
import { listenToEvents } from '../../support/events.js';
import { buildHub, type HubBuild, type HubProcess, startHubProcess } from '../../support/hub-process.js';
import { connectMdt, type MdtClient } from '../../support/mdt.js';
import { residentId, signedEcg } from '../../support/recognition.js';
import { recordFigure } from '../../support/reliability.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { replicaEnvOf, startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * Two hub replicas on one database with SOCKET_ADAPTER=postgres: replica A runs in this process, replica B is the
 * compiled hub in a process of its own (so it can be killed as a crash would). Clients connect to either.
 */
describe('MDT rooms and live events across two hub replicas (socket.io PostgreSQL adapter)', () => {
  let build: HubBuild;
  let a: TestApp;
  let b: HubProcess;
  let tenant: Tenant;
  const clients: MdtClient[] = [];

  const startReplicaB = () => startHubProcess(build.entry, replicaEnvOf(a, { SOCKET_ADAPTER: 'postgres' }));

  beforeAll(async () => {
    build = await buildHub();
    a = await startTestApp({ SOCKET_ADAPTER: 'postgres' });
    b = await startReplicaB();
    tenant = await createTenant(a);
  }, 180_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await b?.stop();
    await a?.close();
    await build?.remove();
  });

  const join = async (target: TestApp | string, token: string, consultationId: string, lastSeq = 0) => {
    const client = await connectMdt(target, token);
    clients.push(client);
    const ack = await client.join(consultationId, lastSeq);
    if (!ack.ok) throw new Error(`join refused: ${ack.error}`);
    return client;
  };
  const chat = (text: string) => ({ clientMsgId: randomUUID(), text });
  const lastStoredSeq = async (id: string) =>
    (
      await a.sql<{ seq: number }>('SELECT max(seq)::int AS seq FROM consultation_events WHERE consultation_id = $1', [
        id,
      ])
    )[0]!.seq;
  const seqs = (events: readonly MdtEvent[]) => events.map((e) => e.seq);
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('delivers every event to participants on both replicas in the same seq order, and relays signalling across them', async () => {
    const c = await openConsultation(a, tenant);
    const chair = await join(a, c.chair.token, c.id);
    const specialist = await join(b.url, c.specialist.token, c.id);
    const requester = await join(b.url, c.requester.token, c.id);
    const coordinator = await join(a, c.coordinator.token, c.id);
    const everyone = [chair, specialist, requester, coordinator];

    // Everyone talks at once, through both replicas: 4 × 15 messages.
    const sent = await Promise.all(
      everyone.map(async (client, who) => {
        const acks = [];
        for (let i = 0; i < 15; i++) acks.push(await client.send('chat.send', chat(`${who}:${i}`)));
        return acks;
      }),
    );
    for (const ack of sent.flat()) expect(ack.ok).toBe(true);
    const last = await lastStoredSeq(c.id);
    for (const client of everyone) await client.waitFor((e) => e.seq === last, `seq ${last}`);

    // The same log, in full, for everyone; and each heard the live stream in seq order, nothing twice.
    for (const client of everyone) {
      expect(seqs(client.events)).toEqual(upTo(last));
      const heard = seqs(client.heard);
      expect(heard).toEqual([...heard].sort((x, y) => x - y));
      expect(new Set(heard).size).toBe(heard.length);
    }
    const order = (client: MdtClient) => client.events.map((e) => `${e.seq}:${e.type}:${e.actorUserId}`);
    for (const client of everyone.slice(1)) expect(order(client)).toEqual(order(chair));

    // WebRTC signalling from a socket on A reaches the named participant's socket on B.
    const relayed = await chair.signal({ toUserId: c.specialist.id, kind: 'offer', payload: { sdp: 'v=0' } });
    expect(relayed).toEqual({ ok: true });
    for (let i = 0; i < 50 && specialist.signals.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(specialist.signals).toEqual([{ fromUserId: c.chair.id, kind: 'offer', payload: { sdp: 'v=0' } }]);
  });

  it('tells a clinic connected to one replica the moment its report is signed on the other', async () => {
    const clinic = await listenToEvents(b.url, tenant.tokens.clinic_doctor);
    try {
      const { reportId } = await signedEcg(a, tenant, tenant.tokens.clinic_doctor, {
        localId: `REPL-${randomUUID().slice(0, 8)}`,
        nationalId: residentId(901),
        performedAt: new Date(),
      });
      const signed = await clinic.next('report.signed', (p) => p.reportId === reportId);
      expect(signed.reportId).toBe(reportId);
    } finally {
      clinic.close();
    }
  });

  it('loses nothing when a replica is killed mid-session: its clients re-join on the other and get exactly what they missed', async () => {
    const c = await openConsultation(a, tenant);
    const chair = await join(a, c.chair.token, c.id);
    const onB = [await join(b.url, c.specialist.token, c.id), await join(b.url, c.requester.token, c.id)];
    for (const client of onB) await client.send('chat.send', chat('hello from B'));

    // The chair keeps talking on A while B dies under its clients.
    let talking = true;
    const chairTalk = (async () => {
      let n = 0;
      while (talking || n < 30) {
        const ack = await chair.send('chat.send', chat(`chair ${n++}`));
        expect(ack.ok).toBe(true);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await new Promise((r) => setTimeout(r, 150));
    const lost = new Promise<void>((resolve) => onB[1]!.socket.once('disconnect', () => resolve()));
    await b.kill();
    await lost;

    // Each client of B reconnects to A and re-joins with the last seq it holds without a gap.
    const rejoinStarted = performance.now();
    const moved = await Promise.all(
      [c.specialist.token, c.requester.token].map((token, i) => join(a, token, c.id, onB[i]!.lastSeq())),
    );
    const rejoinMs = performance.now() - rejoinStarted;
    for (const client of moved) expect((await client.send('chat.send', chat('back on A'))).ok).toBe(true);
    talking = false;
    await chairTalk;

    const last = await lastStoredSeq(c.id);
    for (const client of [chair, ...moved]) await client.waitFor((e) => e.seq === last, `seq ${last}`);
    expect(seqs(chair.events)).toEqual(upTo(last));
    onB.forEach((before, i) => {
      const kept = before.events.filter((e) => e.seq <= before.lastSeq());
      const combined = [...seqs(kept), ...seqs(moved[i]!.events)];
      expect(combined).toEqual(upTo(last)); // every event, each once
    });
    // Every chat line stored once, whichever replica took it.
    const [{ lines, distinct }] = await a.sql<{ lines: number; distinct: number }>(
      `SELECT count(*)::int AS lines, count(DISTINCT payload->>'clientMsgId')::int AS distinct
         FROM consultation_events WHERE consultation_id = $1 AND type = 'chat.message'`,
      [c.id],
    );
    expect(lines).toBe(distinct);

    const heardLive = (client: MdtClient) => new Set(seqs(client.heard));
    const replayed = moved.map((client) => client.events.filter((e) => !heardLive(client).has(e.seq)).length);
    await recordFigure(
      `${last} events, replica B killed under 2 of 3 clients; they re-joined on A in ${rejoinMs.toFixed(0)} ms ` +
        `(connect + join) and got ${replayed.join(' + ')} missed events in their replays; 0 missed, 0 duplicated`,
    );

    b = await startReplicaB(); // for afterAll, and to show a replica can come back
  });
});
