import pg from 'pg';

export interface NotificationHandlers {
  /** A NOTIFY on one of the channels, in commit order. */
  notified(channel: string, payload: string): void;
  /** LISTEN is in place: from now on no notification is missed. */
  listening(): void;
  /** The connection is gone: notifications may be missed until `listening` is called again. */
  lost(): void;
}

const RETRY_MS = { first: 250, max: 5_000 };
const PLAIN_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * One connection that LISTENs on some channels and comes back by itself after the server drops it (a restart, an
 * administrator's pg_terminate_backend), telling its handlers when it is deaf and when it hears again.
 */
export class NotificationListener {
  private client: pg.Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MS.first;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly channels: string[],
    private readonly handlers: NotificationHandlers,
  ) {
    const odd = channels.find((c) => !PLAIN_NAME.test(c));
    if (odd !== undefined) throw new Error(`not a plain channel name: ${odd}`);
  }

  /** Resolves once listening, or after the first attempt failed (it then keeps trying in the background). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    const drop = () => this.dropped(client);
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', (message) => {
      if (this.channels.includes(message.channel)) this.handlers.notified(message.channel, message.payload ?? '');
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(this.channels.map((c) => `LISTEN ${c};`).join(' '));
    } catch {
      drop();
      return;
    }
    if (this.client !== client) return;
    this.retryMs = RETRY_MS.first;
    this.handlers.listening();
  }

  private dropped(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.handlers.lost();
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MS.max);
  }
}
