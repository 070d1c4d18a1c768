import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, notFoundHandler } from '../http/error-handler.js';
import { createLogger } from '../logger.js';
import { adminConsole } from './admin-console.js';

/** The router over a build directory of the test's own (the real build is exercised by test/console). */
async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express()
    .use(adminConsole(dir))
    .use(notFoundHandler)
    .use(errorHandler(createLogger('silent')));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('adminConsole', () => {
  it('answers a missing build with a 503 that says how to build it, and keeps serving', async () => {
    const server = await serve(join(dir, 'not-built'));
    try {
      for (const path of ['/admin', '/admin/pools']) {
        const response = await fetch(`${server.url}${path}`);
        expect(response.status).toBe(503);
        expect(await response.json()).toEqual({
          error: 'temporarily_unavailable',
          error_description: expect.stringContaining('pnpm --filter @tributary/console build'),
        });
      }
    } finally {
      await server.close();
    }
  });

  it('never serves a file outside the build, whatever the path', async () => {
    writeFileSync(join(dir, '..', 'outside-secret.txt'), 'secret');
    const server = await serve(dir);
    try {
      for (const path of ['/admin/..%2Foutside-secret.txt', '/admin/assets/..%2F..%2Foutside-secret.txt', '/admin/%2e%2e/outside-secret.txt']) {
        const response = await fetch(`${server.url}${path}`);
        expect(await response.text(), path).not.toContain('secret');
      }
      const asset = await fetch(`${server.url}/admin/assets/app-abc123.js`);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await fetch(`${server.url}/admin`)).headers.get('cache-control')).toBe('no-cache');
    } finally {
      await server.close();
      rmSync(join(dir, '..', 'outside-secret.txt'), { force: true });
    }
  });
});
