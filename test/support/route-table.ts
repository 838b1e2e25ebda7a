import type { INestApplication } from '@nestjs/common';

export interface RouteEntry {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';
  /** Express path template, e.g. /api/tasks/:id/report. */
  path: string;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);

/**
 * Every route the running hub answers, read from its Express router (so a new controller is covered the moment it is
 * registered), without Swagger's own pages and the console's catch-all.
 */
export function routeTable(app: INestApplication): RouteEntry[] {
  const router = (app.getHttpAdapter().getInstance() as { router: { stack: unknown[] } }).router;
  const seen = new Set<string>();
  const routes: RouteEntry[] = [];
  for (const layer of router.stack as { route?: { path: unknown; methods: Record<string, boolean> } }[]) {
    const path = layer.route?.path;
    if (typeof path !== 'string' || path.startsWith('/docs') || path.includes('*')) continue;
    for (const method of Object.keys(layer.route!.methods)) {
      const key = `${method} ${path}`;
      if (!METHODS.has(method) || seen.has(key)) continue;
      seen.add(key);
      routes.push({ method: method as RouteEntry['method'], path });
    }
  }
  return routes;
}

/** The path with each `:param` replaced by `valueOf(param, path)`. */
export function fillPath(path: string, valueOf: (param: string, path: string) => string): string {
  return path.replace(/:(\w+)/g, (_, param: string) => encodeURIComponent(valueOf(param, path)));
}
