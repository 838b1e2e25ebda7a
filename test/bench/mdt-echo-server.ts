/**
 * The MDT benchmark's baseline: a bare socket.io server (the hub's socket.io version, no auth, no persistence, no
 * validation) speaking just enough of /mdt for the same client: `join` puts the socket in the room and acks;
 * `chat.send` broadcasts an `mdt.event`-shaped chat.message with the room's next seq to the whole room (sender
 * included, as the hub does) and acks with that seq. Forked by mdt.bench.ts; tells its port over IPC.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

type Ack = (res: object) => void;

const server = http.createServer();
const io = new Server(server, { serveClient: false, transports: ['websocket'] });
const seqs = new Map<string, number>();

io.of('/mdt').on('connection', (socket) => {
  let room: string | null = null;
  socket.on('join', (payload: { consultationId: string }, ack: Ack) => {
    room = payload.consultationId;
    void socket.join(room);
    ack({ ok: true, events: [], role: 'specialist', presenterUserId: null });
  });
  socket.on('chat.send', (payload: { clientMsgId: string; text: string }, ack: Ack) => {
    if (room === null) return ack({ ok: false, code: 'not_joined', error: 'join first' });
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    io.of('/mdt').to(room).emit('mdt.event', {
      seq,
      consultationId: room,
      type: 'chat.message',
      actorUserId: socket.id,
      actorName: 'echo',
      occurredAt: new Date().toISOString(),
      payload,
    });
    ack({ ok: true, seq });
  });
});

server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
