import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '../domain/actor.js';

/** Who is asking and from where; carried through a request so the data layer can scope and audit without parameters. */
export interface RequestContext {
  requestId: string;
  sourceIp: string | null;
  actor?: Actor;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(ctx: RequestContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
  setActor(actor: Actor): void {
    const ctx = storage.getStore();
    if (ctx) ctx.actor = actor;
  },
};
