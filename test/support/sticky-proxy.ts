import { createHash } from 'node:crypto';
import net from 'node:net';

export interface StickyProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The backend index a client address is sent to. */
  backendFor(clientAddress: string): number;
  /** Per client address, the backends its connections went to (one each, when stickiness holds). */
  routes: Map<string, Set<number>>;
  close(): Promise<void>;
}

/**
 * The reverse proxy of docker/compose.yml (nginx with ip_hash) as a TCP relay: every connection from one client
 * address goes to the same backend, so socket.io's long-polling requests and its WebSocket upgrade reach the replica
 * that holds the session. Working at the TCP level, it passes HTTP, keep-alive and upgrades through untouched.
 * Clients choose their address by binding to one of 127.0.0.0/8 (an http.Agent with `localAddress`).
 */
export async function startStickyProxy(backends: readonly string[]): Promise<StickyProxy> {
  const targets = backends.map((url) => new URL(url));
  const backendFor = (address: string) =>
    createHash('sha256').update(address).digest().readUInt32BE(0) % targets.length;
  const routes = new Map<string, Set<number>>();
  const open = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    return socket;
  };
  const server = net.createServer((client) => {
    track(client);
    const address = (client.remoteAddress ?? '').replace(/^::ffff:/, '');
    const index = backendFor(address);
    const chosen = routes.get(address) ?? new Set<number>();
    routes.set(address, chosen.add(index));
    const target = targets[index]!;
    const upstream = track(net.connect(Number(target.port), target.hostname));
    client.pipe(upstream).pipe(client);
    // Either side going away takes the other with it, as a proxy's connection does.
    client.once('error', () => upstream.destroy());
    upstream.once('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    backendFor,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
