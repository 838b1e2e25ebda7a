import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DatabaseRuntime } from '../database-runtime.js';
import { applyChange, type ChangeKinds, type NotifiedCache } from './notified-cache.js';
import { NotificationListener } from './notification-listener.js';

interface Subscription {
  channel: string;
  cache: NotifiedCache<never>;
  /** Drops what a notification's payload names. */
  apply(payload: string): void;
}

/**
 * The one connection through which a hub process hears the database's change notifications (triggers calling
 * pg_notify at commit, from any process of any replica), handing each to the caches that asked for its channel.
 * While the connection is down every cache is deaf, so none serves what it may have missed.
 */
@Injectable()
export class ChangeNotifications implements OnApplicationBootstrap, OnApplicationShutdown {
  private static readonly logger = new Logger('ChangeNotifications');
  private readonly subscriptions: Subscription[] = [];
  private listener: NotificationListener | undefined;

  constructor(private readonly database: DatabaseRuntime) {}

  /**
   * Call from a provider's constructor (before the application starts): the channel's payloads drop from `cache` what
   * `kinds` says (see applyChange). A disabled cache is left alone.
   */
  subscribe<V>(channel: string, cache: NotifiedCache<V>, kinds: ChangeKinds<V>): void {
    if (cache.disabled) return;
    const apply = (payload: string) => applyChange(cache, kinds, payload);
    this.subscriptions.push({ channel, cache: cache as NotifiedCache<never>, apply });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.subscriptions.length === 0) return;
    const channels = [...new Set(this.subscriptions.map((s) => s.channel))];
    this.listener = new NotificationListener(this.database.urls.appUrl, channels, {
      notified: (channel, payload) => {
        for (const s of this.subscriptions) if (s.channel === channel) s.apply(payload);
      },
      listening: () => this.subscriptions.forEach((s) => s.cache.hears()),
      lost: () => {
        ChangeNotifications.logger.warn('lost the change notifications: caches read the database until they are back');
        this.subscriptions.forEach((s) => s.cache.deaf());
      },
    });
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
  }
}
