import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { HubConfig } from '@hub/core';

/** Probes and scrapes, every few seconds: not worth a log line each. */
const QUIET_PATHS = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/**
 * Structured JSON logs with no patient data: request lines carry method, path (no query string: QIDO queries hold
 * names and ids), status and timing; headers and bodies are never logged.
 */
export function pinoOptions(config: HubConfig): Params {
  return {
    pinoHttp: {
      level: config.LOG_LEVEL,
      // The id was set (or taken from X-Request-Id) by requestContextMiddleware, which runs first.
      genReqId: (req: IncomingMessage) => req.id ?? 'unknown',
      serializers: {
        req: (req: IncomingMessage) => ({
          id: req.id,
          method: req.method,
          path: (req.url ?? '').split('?')[0],
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
      customProps: () => ({ service: 'consortium-hub' }),
      autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.has(req.url ?? '') },
    },
  };
}
