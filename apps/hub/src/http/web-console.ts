import { existsSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import serveStatic from 'serve-static';

/** Paths the hub's own routes and protocols answer; everything else that asks for HTML is a console page. */
const HUB_PATHS = /^\/(api|dicomweb|docs|health|metrics|socket\.io|events|mdt)(\/|$)/;

/**
 * Serves the browser console (a single-page app) from `dir`: its files as they are (hashed asset names are cached for
 * a year), and index.html for every other page a browser opens, so /reader/worklist survives a reload.
 */
export function serveWebConsole(app: NestExpressApplication, dir: string): boolean {
  const root = path.resolve(dir);
  const index = path.join(root, 'index.html');
  if (!existsSync(index)) {
    new Logger('WebConsole').warn(`no web console at ${root} (run npm run build:web); serving the API only`);
    return false;
  }
  const files = serveStatic(root, {
    index: false,
    setHeaders: (res, file) => {
      const immutable = file.startsWith(path.join(root, 'assets') + path.sep);
      res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // The hub's own paths never name a console file: looking for one cost every API GET a file-system call.
  app.use((req: Request, res: Response, next: NextFunction) =>
    HUB_PATHS.test(req.path) ? next() : files(req, res, next),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    const page = (req.method === 'GET' || req.method === 'HEAD') && !HUB_PATHS.test(req.path) && req.accepts('html');
    if (!page || path.extname(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
