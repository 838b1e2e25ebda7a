import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { HubMetrics } from '@hub/core';

/**
 * The route label is the matched route's template (`/api/tasks/:id/report`), never the path itself: paths carry ids,
 * and one time series per id would swamp Prometheus. Requests no route matched (the console's files, 404s) share one.
 */
function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
}

/** Observes every HTTP request's duration, until its response has been handed to the socket (or it was aborted). */
export function requestMetricsMiddleware(metrics: HubMetrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpRequestDuration.startTimer();
    res.once('close', () => end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }));
    next();
  };
}
