import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DatabaseRuntime, NotificationListener } from '@hub/db';
import { type ActiveSessionCache, parseAuthChange } from './active-session-cache.js';
import { ACTIVE_SESSIONS, type ActiveSession } from './session.repository.js';

/** The channel the auth_change_notify() trigger (migration SessionChangeNotifications) notifies on. */
export const AUTH_CHANGE_CHANNEL = 'hub_auth_change';

/**
 * Keeps this process's live sessions honest: every change to a session, a user's roles or standing, or an
 * institution's consortium, committed by any process, drops what it touches; while the connection is down nothing is
 * reused. With SESSION_CACHE_SECONDS=0 the cache never hears, so it never keeps anything, and no connection is made.
 */
@Injectable()
export class SessionChangeListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private static readonly logger = new Logger('SessionChangeListener');
  private listener: NotificationListener | undefined;

  constructor(
    private readonly database: DatabaseRuntime,
    @Inject(ACTIVE_SESSIONS) private readonly activeSessions: ActiveSessionCache<ActiveSession>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.activeSessions.disabled) return;
    this.listener = new NotificationListener(this.database.urls.appUrl, AUTH_CHANGE_CHANNEL, {
      notified: (payload) => this.activeSessions.changed(parseAuthChange(payload)),
      listening: () => this.activeSessions.hears(),
      lost: () => {
        SessionChangeListener.logger.warn('lost the session change notifications: reading sessions on every request');
        this.activeSessions.deaf();
      },
    });
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
  }
}
