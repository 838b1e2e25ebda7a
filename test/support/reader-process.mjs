// A reader's client as its own operating-system process, so a test can SIGSTOP it (a laptop lid closed, a VM paused,
// a process stalled in GC) past its lease and SIGCONT it. It logs in, claims the next task of a centre, and then
// heartbeats and autosaves its draft every HOLD_EVERY_MS with the fencing token of its claim, as the web console does.
// Once the hub refuses one of those writes (409: it lost the lease while it was stopped), it tries what a client
// unaware of that would do next, still with its old token: save, submit for review and sign. Then it exits.
//
// Env: HUB_URL, READER_USERNAME, READER_PASSWORD, CENTRE_ID, HOLD_EVERY_MS (default 400).
// Stdout: one JSON object per line: {event:'claimed', taskId, fencingToken}, then for every write
// {event:'write', kind, sentAt, status, message}, and finally {event:'done'}.

const { HUB_URL, READER_USERNAME, READER_PASSWORD, CENTRE_ID } = process.env;
const HOLD_EVERY_MS = Number(process.env.HOLD_EVERY_MS ?? 400);
const GIVE_UP_AFTER_MS = 10 * 60_000; // never outlive a test that forgot this process

const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function call(method, path, token, body) {
  const res = await fetch(`${HUB_URL}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function main() {
  const login = await call('POST', '/api/auth/login', null, { username: READER_USERNAME, password: READER_PASSWORD });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  const token = login.body.accessToken;
  const claim = await call('POST', `/api/centres/${CENTRE_ID}/claim`, token, {});
  if (claim.status !== 200) throw new Error(`claim failed: ${claim.status}`);
  const { id: taskId, fencingToken } = claim.body;
  say({ event: 'claimed', taskId, fencingToken });

  const write = async (kind, method, path, body) => {
    const sentAt = Date.now();
    const res = await call(method, `/api/tasks/${taskId}${path}`, token, { fencingToken, ...body });
    say({ event: 'write', kind, sentAt, status: res.status, message: res.body?.message ?? null });
    return res.status;
  };
  const draft = (n) => write('draft', 'PUT', '/report', { findings: '', impression: `第一位医师的草稿 ${n}` });

  const started = Date.now();
  for (let n = 1; Date.now() - started < GIVE_UP_AFTER_MS; n++) {
    const held = (await write('heartbeat', 'POST', '/heartbeat', {})) === 200 && (await draft(n)) === 200;
    if (!held) {
      await draft(n + 1);
      await write('submit', 'POST', '/submit', {});
      await write('sign', 'POST', '/sign', {});
      say({ event: 'done' });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, HOLD_EVERY_MS));
  }
  throw new Error('still holding the lease after 10 minutes');
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
