import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MdtAck, MdtEvent } from '@hub/consultation';
import { openConsultation } from '../../support/consultations.js';
import { buildHub, type HubBuild, type HubProcess, startHubProcess } from '../../support/hub-process.js';
import { connectMdt, type MdtClient } from '../../support/mdt.js';
import { recordFigure } from '../../support/reliability.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { replicaEnvOf, startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * How long the two absent clients stay away, in seconds ("short,long"). `npm test` keeps it short; the reliability
 * run (`npm run test:reliability`) sets MDT_AWAY_SECONDS=120,600: with real minutes the replay is thousands of
 * events, the returning clients' first access tokens are minutes old, and the chatting sockets live through many
 * socket.io heartbeats.
 */
const AWAY_SECONDS = (process.env.MDT_AWAY_SECONDS ?? '2,10').split(',').map(Number);
if (AWAY_SECONDS.length !== 2 || !AWAY_SECONDS.every((s) => s > 0)) {
  throw new Error(`MDT_AWAY_SECONDS must be two positive numbers of seconds, e.g. "2,10"; got ${AWAY_SECONDS}`);
}
const CHAT_EVERY_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seqs = (events: readonly MdtEvent[]) => events.map((e) => e.seq);
const chat = (text: string) => ({ clientMsgId: randomUUID(), text });

interface Person {
  username: string;
  password: string;
  refreshToken?: string;
}

/**
 * An access token as the web console gets one for each (re)connection: the first by logging in, later ones by
 * spending the refresh token (so an absence longer than ACCESS_TOKEN_TTL_SECONDS is no excuse).
 */
async function tokenFor(hubUrl: string, person: Person): Promise<string> {
  const [path, body] = person.refreshToken
    ? ['/api/auth/refresh', { refreshToken: person.refreshToken }]
    : ['/api/auth/login', { username: person.username, password: person.password }];
  const res = await fetch(`${hubUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`${path} for ${person.username}: ${res.status} ${await res.text()}`);
  const tokens = (await res.json()) as { accessToken: string; refreshToken: string };
  person.refreshToken = tokens.refreshToken;
  return tokens.accessToken;
}

/**
 * Every seq a client applied across its successive connections (each re-joined with the previous one's lastSeq),
 * duplicates kept, so a missed or a repeated event shows.
 */
function appliedSeqs(sessions: readonly MdtClient[]): number[] {
  return sessions.flatMap((s, i) =>
    seqs(i < sessions.length - 1 ? s.events.filter((e) => e.seq <= s.lastSeq()) : s.events),
  );
}

describe('fault: MDT clients away while one of two hub replicas is killed', () => {
  let build: HubBuild;
  let setup: TestApp;
  let replicas: [HubProcess, HubProcess];
  let tenant: Tenant;
  const sockets: MdtClient[] = [];

  beforeAll(async () => {
    build = await buildHub();
    // This process only prepares the tenant and looks at the tables; the participants use the two compiled replicas.
    setup = await startTestApp({ SOCKET_ADAPTER: 'postgres' });
    const env = replicaEnvOf(setup, { SOCKET_ADAPTER: 'postgres' });
    replicas = [await startHubProcess(build.entry, env), await startHubProcess(build.entry, env)];
    tenant = await createTenant(setup);
  }, 180_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const r of replicas ?? []) await r.stop();
    await setup?.close();
    await build?.remove();
  });

  const enter = async (hubUrl: string, person: Person, consultationId: string, lastSeq = 0) => {
    const client = await connectMdt(hubUrl, await tokenFor(hubUrl, person));
    sockets.push(client);
    const started = performance.now();
    const ack = await client.join(consultationId, lastSeq);
    if (!ack.ok) throw new Error(`join refused: ${ack.error}`);
    return { client, replay: ack.events, joinMs: performance.now() - started };
  };

  /**
   * A participant chatting until stopped. When its socket drops (its replica killed, or its session expired) it
   * reconnects to `survivor` with a fresh token, re-joins with its lastSeq and resends the message that got no ack
   * under the same clientMsgId, as the web console does.
   */
  const keepChatting = (name: string, person: Person, firstHub: string, survivor: string, consultationId: string) => {
    const sessions: MdtClient[] = [];
    const acked = new Map<string, number>();
    let stopping = false;
    // The ack, or 'lost' when the socket is gone (or the ack does not come) before it.
    const sendOrLost = (client: MdtClient, message: ReturnType<typeof chat>) =>
      new Promise<MdtAck | 'lost'>((resolve) => {
        if (!client.socket.connected) return resolve('lost');
        const settle = (result: MdtAck | 'lost') => {
          client.socket.off('disconnect', lost);
          resolve(result);
        };
        const lost = () => settle('lost');
        client.socket.once('disconnect', lost);
        client.send('chat.send', message).then(settle, lost);
      });
    const done = (async () => {
      sessions.push((await enter(firstHub, person, consultationId)).client);
      let unacked: ReturnType<typeof chat> | null = null;
      for (let n = 0; !stopping || unacked; n++) {
        const client = sessions.at(-1)!;
        const message: ReturnType<typeof chat> = unacked ?? chat(`${name} ${n}`);
        unacked = message;
        const ack = await sendOrLost(client, message);
        if (ack === 'lost') {
          client.close();
          sessions.push((await enter(survivor, person, consultationId, client.lastSeq())).client);
          continue;
        }
        if (!ack.ok) throw new Error(`${name}'s chat was refused: ${ack.error}`);
        acked.set(message.clientMsgId, ack.seq);
        unacked = null;
        await sleep(CHAT_EVERY_MS);
      }
    })();
    return {
      sessions,
      acked,
      stop: async () => {
        stopping = true;
        await done;
      },
    };
  };

  it(
    `away ${AWAY_SECONDS.join(' s and ')} s while the replica of one of them is killed: each gets every event it missed once, in order, then live`,
    async () => {
      const [b, c] = replicas;
      const consultation = await openConsultation(setup, tenant);
      const id = consultation.id;
      const person = (role: 'clinic_doctor' | 'coordinator'): Person => ({
        username: tenant.usernames[role],
        password: tenant.passwords[role],
      });
      const chair: Person = { ...consultation.chair };
      const specialist: Person = { ...consultation.specialist };
      const requester = person('clinic_doctor');
      const coordinator = person('coordinator');

      // Chatting on both replicas; the chair's replica (B) is the one that dies.
      const chatters = [
        keepChatting('chair', chair, b.url, c.url, id),
        keepChatting('coordinator', coordinator, c.url, c.url, id),
      ];
      // One of the absent clients is on B, the other on C.
      const absent = [
        { who: specialist, before: (await enter(b.url, specialist, id)).client, awaySeconds: AWAY_SECONDS[0]! },
        { who: requester, before: (await enter(c.url, requester, id)).client, awaySeconds: AWAY_SECONDS[1]! },
      ];
      for (const { before } of absent) await before.waitFor((e) => e.seq >= 10, 'some chat before leaving');
      const leftAt = Date.now();
      const lastSeqs = absent.map(({ before }) => {
        before.close(); // away
        return before.lastSeq();
      });

      // While both are away, B is killed (with the chair's socket and the specialist's old one on it).
      await sleep((Math.min(...AWAY_SECONDS) * 1000) / 2);
      await b.kill();

      const returned = await Promise.all(
        absent.map(async ({ who, awaySeconds }, i) => {
          await sleep(Math.max(0, leftAt + awaySeconds * 1000 - Date.now()));
          const back = await enter(c.url, who, id, lastSeqs[i]);
          // The replay starts right after what it had, without a gap or a repeat.
          expect(seqs(back.replay)).toEqual(Array.from({ length: back.replay.length }, (_, k) => lastSeqs[i]! + 1 + k));
          // Then it is live: it hears the chatters' next events, and is heard.
          const replayedThrough = back.replay.at(-1)?.seq ?? lastSeqs[i]!;
          await back.client.waitFor((e) => e.seq > replayedThrough + 2, 'live events after the replay');
          const hello = await back.client.send('chat.send', chat('back'));
          expect(hello.ok).toBe(true);
          return back;
        }),
      );

      await Promise.all(chatters.map((ch) => ch.stop()));
      const [{ last }] = await setup.sql<{ last: number }>(
        'SELECT max(seq)::int AS last FROM consultation_events WHERE consultation_id = $1',
        [id],
      );
      const everyone = [
        ...chatters.map((ch) => ch.sessions),
        ...absent.map(({ before }, i) => [before, returned[i]!.client]),
      ];
      for (const sessions of everyone) await sessions.at(-1)!.waitFor((e) => e.seq === last, `seq ${last}`);

      // Each participant applied every event of the room once, in seq order, across its connections.
      const all = Array.from({ length: last }, (_, i) => i + 1);
      const missed: number[] = [];
      const duplicated: number[] = [];
      for (const sessions of everyone) {
        const applied = appliedSeqs(sessions);
        const appliedOnce = new Set(applied);
        missed.push(all.filter((seq) => !appliedOnce.has(seq)).length);
        duplicated.push(applied.length - appliedOnce.size);
        expect(applied).toEqual(all);
        // The live stream of each connection came in seq order and never repeated an event.
        for (const s of sessions) {
          const heard = seqs(s.heard);
          expect(heard).toEqual([...heard].sort((x, y) => x - y));
          expect(new Set(heard).size).toBe(heard.length);
        }
      }
      expect(chatters[0]!.sessions.length).toBeGreaterThan(1); // the chair did move from B to C

      // Every acknowledged chat line is in the log once, under the seq its ack gave.
      const rows = await setup.sql<{ seq: number; clientMsgId: string }>(
        `SELECT seq::int AS seq, payload->>'clientMsgId' AS "clientMsgId" FROM consultation_events
          WHERE consultation_id = $1 AND type = 'chat.message'`,
        [id],
      );
      const logged = new Map<string, number[]>();
      for (const r of rows) logged.set(r.clientMsgId, [...(logged.get(r.clientMsgId) ?? []), r.seq]);
      const acked = chatters.flatMap((ch) => [...ch.acked]);
      for (const [clientMsgId, seq] of acked)
        expect({ clientMsgId, seqs: logged.get(clientMsgId) }).toEqual({ clientMsgId, seqs: [seq] });
      expect(rows.length).toBe(logged.size);

      const replayed = returned.map((r) => r.replay.length);
      await recordFigure(
        `away ${AWAY_SECONDS.join(' s and ')} s, one of 2 replicas killed; ${replayed.join(' + ')} events missed ` +
          `and replayed (${acked.length} acked chat lines, ${last} events in all); ` +
          `${missed.reduce((x, y) => x + y)} missed, ${duplicated.reduce((x, y) => x + y)} duplicated; ` +
          `replay took ${returned.map((r) => r.joinMs.toFixed(0)).join(' and ')} ms`,
      );
    },
    Math.max(...AWAY_SECONDS) * 1000 + 120_000,
  );
});
