import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { NotFound, TemporarilyUnavailable } from '../errors/index.js';

/** The console's build output (console/dist, written at install time); core reads files there, never its code. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../console/dist', import.meta.url));

/**
 * The admin console at /admin: a static single-page app over the public /graphql API. Hashed assets are
 * cached for a year; index.html is revalidated every time, so a new build is picked up at once. Any other
 * path under /admin is a client route and gets index.html. Without a build the answer says how to make one.
 */
export function adminConsole(dir: string = DEFAULT_CONSOLE_DIR): express.Router {
  const router = express.Router();
  const index = join(dir, 'index.html');
  router.use('/admin', (_req, res, next) => {
    // The console holds an admin key: no framing, no referrer, scripts and connections to this origin only.
    res.set({
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    });
    next();
  });
  router.use('/admin/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }), (_req, _res, next) =>
    next(new NotFound('no such file')),
  );
  router.get(['/admin', '/admin/{*route}'], (req, res, next) => {
    if (!existsSync(index)) return next(new TemporarilyUnavailable('the admin console is not built: run `pnpm --filter @tributary/console build`'));
    // A file of the build (favicon), else a client route.
    const file = req.params.route ? [req.params.route].flat().join('/') : '';
    res.set('Cache-Control', 'no-cache');
    if (file && /^[\w.-]+\.\w+$/.test(file) && existsSync(join(dir, file))) return res.sendFile(file, { root: dir, dotfiles: 'deny' });
    res.sendFile(index);
  });
  return router;
}
