/**
 * The MDT benchmark's load generator, run as its own process (forked by mdt.bench.ts) so the runner's work does not
 * disturb it: one socket.io-client socket per participant and room (its own WebSocket connection, as a browser tab),
 * each joins its room, then sends `chat.send` RATE times a second at a random phase for the given seconds, open loop
 * (on schedule whatever the acks), each with an ack. Every `mdt.event` of type `chat.message` heard by every socket in
 * the room, the sender's own included, is timed against the send of its clientMsgId on this process's clock.
 *
 * Protocol with the parent (IPC): the parent sends the job; this process connects and joins every socket, says
 * `joined`; the parent answers `go` (it starts measuring the servers then); this process runs the load, drains (waits
 * for late deliveries and acks), and sends `report`; the parent answers `close`, and the sockets close and the process exits.
 */
import { io, type Socket } from 'socket.io-client';

export interface MdtClientsJob {
  rooms: {
    consultationId: string;
    /** One socket each: the hub's origin (http://127.0.0.1:PORT) and the participant's access token. */
    participants: { url: string; token: string }[];
  }[];
  seconds: number;
  /** chat.send per socket per second. */
  rate: number;
  /** The longest wait after the last send for missing deliveries and acks (it ends earlier when all are in). */
  drainSeconds: number;
}

export interface MdtClientsReport {
  sockets: number;
  /** chat.send emitted. */
  sent: number;
  /** Of which acked { ok: true }. */
  acked: number;
  /** Failed acks by reason: the error ack's code, or 'no ack by the end'. */
  ackFailures: Record<string, number>;
  /** Deliveries due: every message sent and not refused by an error ack × its room's participants (sender included). */
  expected: number;
  /** Distinct (socket, message) deliveries of those. */
  delivered: number;
  /** expected − delivered, once the drain is over. */
  lost: number;
  /** The same seq heard live more than once by one socket. */
  duplicates: number;
  /** Live events heard with a seq below one the socket had already heard (allowed: clients order by seq). */
  reordered: number;
  /** Deliveries of messages refused by an error ack (should be none; not counted in delivered). */
  deliveredRefused: number;
  /** Sockets that disconnected during the load. */
  disconnects: number;
  /** chat.message events heard that are not from the socket's room (or not this run's). */
  foreign: number;
  /** Send → chat.message heard, ms, over every delivery. */
  latency: { p50: number; p99: number; max: number };
  /** Send → ack, ms. */
  ack: { p50: number; p99: number };
  /** From the first scheduled send to the end of the drain. */
  windowSeconds: number;
  /** From the last send to the end of the drain (long: the server had a backlog). */
  drainSeconds: number;
  /** CPU of this process over that window. */
  clientCpuSeconds: number;
}

export type MdtClientsMessage = { type: 'joined' } | { type: 'report'; report: MdtClientsReport };
export type MdtClientsCommand = { type: 'job'; job: MdtClientsJob } | { type: 'go' } | { type: 'close' };

interface ChatEvent {
  seq: number;
  type: string;
  payload?: { clientMsgId?: unknown };
}
type AckResult = { ok: true; seq: number } | { ok: false; code: string; error: string };

const CONNECT_TIMEOUT_MS = 15_000;
const JOIN_TIMEOUT_MS = 20_000;
/** The drain after the last send ends when neither a delivery nor an ack arrived for this long. */
const QUIET_MS = 5_000;
const JOIN_CONCURRENCY = 20;
const TEXT = '请看第 12 张图像，左前降支近段狭窄约 70%。';

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
const round = (x: number) => Number(x.toFixed(2));

function connect(url: string, token: string): Promise<Socket> {
  const socket = io(`${url}/mdt`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: CONNECT_TIMEOUT_MS,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(new Error(`connecting to ${url}/mdt: ${err.message}`));
    });
  });
}

async function run(job: MdtClientsJob, go: Promise<void>, send: (m: MdtClientsMessage) => void): Promise<Socket[]> {
  const perSocket = Math.round(job.rate * job.seconds);
  const periodMs = 1000 / job.rate;
  const slots = job.rooms.flatMap((room, r) => room.participants.map((p) => ({ ...p, room: r })));
  const roomSize = job.rooms.map((room) => room.participants.length);
  const total = slots.length * perSocket;
  const sizeOf = (m: number) => roomSize[slots[Math.floor(m / perSocket)]!.room]!;
  // Message m = socket index × perSocket + k; its clientMsgId is `m<m>`.
  const sentAt = new Float64Array(total);
  const refused = new Uint8Array(total); // 1: an error ack (neither stored nor broadcast, so not due anywhere)
  const receivers = new Uint8Array(total); // distinct sockets that heard it
  const latencies = new Float64Array(total * Math.max(...roomSize));
  const ackLatencies = new Float64Array(total);
  let nLatencies = 0;
  let nAcks = 0;
  let sent = 0;
  let acked = 0;
  let pendingAcks = 0;
  /** Deliveries due (of messages sent and not refused) not heard yet. */
  let missing = 0;
  let duplicates = 0;
  let reordered = 0;
  let deliveredRefused = 0;
  let disconnects = 0;
  let foreign = 0;
  let loading = false;
  /** When a delivery or an ack last arrived: the drain ends after QUIET_MS without either. */
  let lastProgress = 0;
  const ackFailures: Record<string, number> = {};

  // Connect and join, JOIN_CONCURRENCY at a time.
  const sockets: Socket[] = new Array<Socket>(slots.length);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: JOIN_CONCURRENCY }, async () => {
        while (next < slots.length) {
          const i = next++;
          const slot = slots[i]!;
          const socket = await connect(slot.url, slot.token);
          sockets[i] = socket;
          const heard = new Set<number>();
          let highest = 0;
          socket.on('mdt.event', (e: ChatEvent) => {
            const now = performance.now();
            if (heard.has(e.seq)) {
              duplicates++;
              return;
            }
            heard.add(e.seq);
            if (e.seq < highest) reordered++;
            else highest = e.seq;
            if (e.type !== 'chat.message') return;
            const id = e.payload?.clientMsgId;
            const m = typeof id === 'string' && id.startsWith('m') ? Number(id.slice(1)) : NaN;
            if (!Number.isInteger(m) || m < 0 || m >= total || slots[Math.floor(m / perSocket)]!.room !== slot.room) {
              foreign++; // not one of this room's messages: a leak between rooms
              return;
            }
            lastProgress = now;
            latencies[nLatencies++] = now - sentAt[m]!;
            receivers[m] = receivers[m]! + 1;
            if (refused[m]) deliveredRefused++;
            else missing--;
          });
          socket.on('disconnect', () => {
            if (loading) disconnects++;
          });
          const ack = (await socket
            .timeout(JOIN_TIMEOUT_MS)
            .emitWithAck('join', { consultationId: job.rooms[slot.room]!.consultationId, lastSeq: 0 })) as AckResult;
          if (!ack.ok) throw new Error(`join refused for socket ${i}: ${ack.code}: ${ack.error}`);
        }
      }),
    );
  } catch (err) {
    for (const s of sockets) s?.close();
    throw err;
  }
  send({ type: 'joined' });
  await go;

  loading = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now() + 50;
  let lastSendDone!: () => void;
  const allSent = new Promise<void>((resolve) => (lastSendDone = resolve));
  let socketsDone = 0;
  for (const [i, socket] of sockets.entries()) {
    const phase = Math.random() * periodMs;
    let k = 0;
    const tick = () => {
      const m = i * perSocket + k;
      sentAt[m] = performance.now();
      sent++;
      pendingAcks++;
      missing += sizeOf(m);
      // No ack timeout: an ack still missing at the end of the drain counts as a failure.
      socket.emit('chat.send', { clientMsgId: `m${m}`, text: TEXT }, (ack: AckResult) => {
        const now = performance.now();
        lastProgress = now;
        pendingAcks--;
        if (ack.ok) {
          ackLatencies[nAcks++] = now - sentAt[m]!;
          acked++;
        } else {
          refused[m] = 1;
          missing -= sizeOf(m) - receivers[m]!;
          deliveredRefused += receivers[m]!;
          ackFailures[ack.code] = (ackFailures[ack.code] ?? 0) + 1;
        }
      });
      k++;
      if (k < perSocket) setTimeout(tick, Math.max(0, t0 + phase + k * periodMs - performance.now()));
      else if (++socketsDone === sockets.length) lastSendDone();
    };
    setTimeout(tick, Math.max(0, t0 + phase - performance.now()));
  }
  await allSent;
  // Stragglers: until every ack is in and every message reached its whole room, or nothing arrived for QUIET_MS, or
  // drainSeconds in all.
  const sendsEnded = performance.now();
  lastProgress = sendsEnded;
  const deadline = sendsEnded + job.drainSeconds * 1000;
  for (;;) {
    const now = performance.now();
    if ((pendingAcks === 0 && missing === 0) || now - lastProgress > QUIET_MS || now > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const ended = performance.now();
  loading = false;
  const cpu = process.cpuUsage(cpu0);
  if (pendingAcks > 0) ackFailures['no ack by the end'] = pendingAcks;

  const lat = latencies.subarray(0, nLatencies).sort();
  const ackLat = ackLatencies.subarray(0, nAcks).sort();
  send({
    type: 'report',
    report: {
      sockets: sockets.length,
      sent,
      acked,
      ackFailures,
      expected: nLatencies - deliveredRefused + missing,
      delivered: nLatencies - deliveredRefused,
      lost: missing,
      duplicates,
      reordered,
      deliveredRefused,
      disconnects,
      foreign,
      latency: {
        p50: round(percentile(lat, 50)),
        p99: round(percentile(lat, 99)),
        max: round(lat.length ? lat[lat.length - 1]! : NaN),
      },
      ack: { p50: round(percentile(ackLat, 50)), p99: round(percentile(ackLat, 99)) },
      windowSeconds: round((ended - t0) / 1000),
      drainSeconds: round((ended - sendsEnded) / 1000),
      clientCpuSeconds: round((cpu.user + cpu.system) / 1e6),
    },
  });
  return sockets;
}

let started = false;
let goNow!: () => void;
const go = new Promise<void>((resolve) => (goNow = resolve));
let sockets: Socket[] = [];
const reply = (m: MdtClientsMessage) => process.send!(m);

process.on('message', (raw) => {
  const command = raw as MdtClientsCommand;
  if (command.type === 'job' && !started) {
    started = true;
    run(command.job, go, reply).then(
      (s) => (sockets = s),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  } else if (command.type === 'go') goNow();
  else if (command.type === 'close') {
    for (const s of sockets) s.close();
    // Give the close frames a moment to leave, then go.
    setTimeout(() => process.exit(0), 500);
  }
});
// The parent died or gave up: do not linger.
process.on('disconnect', () => process.exit(1));
