import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAllowedHost, Sandbox, type HostLookup, type SandboxResult } from './index.js';

const sandbox = new Sandbox({ fetchMaxResponseBytes: 10_000, fetchMaxRequests: 3 });
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/big') return void response.end('x'.repeat(50_000));
      if (request.url === '/redirect') return void response.writeHead(302, { location: 'http://example.org/' }).end();
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ method: request.method, url: request.url, auth: request.headers.authorization ?? null, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sandbox.dispose();
  await new Promise((resolve) => server.close(resolve));
});

const run = (code: string, allowedHosts: string[], args: unknown[] = []): Promise<SandboxResult> =>
  sandbox.run({ code, exportName: 'default', args, env: { TOKEN: 'Bearer t0k' }, allowedHosts, timeoutMs: 3000 });

describe('fetch from a script', () => {
  it('reaches an allowed host and returns plain data with json()', async () => {
    const code = `export default async (base) => {
      const response = await fetch(base + '/users?id=1', { method: 'POST', headers: { authorization: env.TOKEN }, body: JSON.stringify({ a: 1 }) });
      const data = await response.json();
      return { ok: response.ok, status: response.status, type: response.headers['content-type'], data, isText: typeof response.body };
    };`;
    const result = await run(code, ['127.0.0.1'], [base]);
    expect(result).toMatchObject({
      ok: true,
      value: {
        ok: true,
        status: 200,
        type: 'application/json',
        isText: 'string',
        data: { method: 'POST', url: '/users?id=1', auth: 'Bearer t0k', body: '{"a":1}' },
      },
    });
  });

  it('accepts an allowed entry with the exact port', async () => {
    const host = new URL(base).host;
    expect(await run('export default async (u) => (await fetch(u)).status', [host], [base])).toMatchObject({ ok: true, value: 200 });
  });

  it('refuses a host that is not allowed with an error the script can catch', async () => {
    const code = 'export default async (u) => { try { await fetch(u); return "reached"; } catch (e) { return e.name + ": " + e.message; } };';
    const result = await run(code, ['api.example.com'], [base]);
    expect(result).toMatchObject({
      ok: true,
      value: expect.stringMatching(/^DeniedError: fetch: host 127\.0\.0\.1:\d+ is not in this script's allowed hosts$/),
    });
  });

  it('reports an uncaught refusal as kind denied, with the line', async () => {
    const result = await run('export default async () => {\n  return fetch("file:///etc/passwd");\n};', ['127.0.0.1']);
    expect(result).toMatchObject({ ok: false, kind: 'denied', message: expect.stringContaining('protocol file:'), line: 2 });
  });

  it('caps the size of a response', async () => {
    const result = await run('export default async (u) => (await fetch(u + "/big")).body.length', ['127.0.0.1'], [base]);
    expect(result).toMatchObject({
      ok: false,
      kind: 'runtime',
      message: 'FetchError: fetch: response from ' + new URL(base).host + ' is larger than 10000 bytes',
    });
  });

  it('does not follow a redirect off the allowed hosts', async () => {
    const code = 'export default async (u) => { const r = await fetch(u + "/redirect"); return [r.status, r.headers.location]; }';
    expect(await run(code, ['127.0.0.1'], [base])).toMatchObject({ ok: true, value: [302, 'http://example.org/'] });
  });

  it('limits the number of requests per call', async () => {
    const code = 'export default async (u) => { for (let i = 0; i < 5; i++) await fetch(u); }';
    expect(await run(code, ['127.0.0.1'], [base])).toMatchObject({ ok: false, kind: 'denied', message: expect.stringContaining('at most 3 requests') });
  });

  it('reports a connection failure without host details', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await run(`export default async () => fetch("http://127.0.0.1:${port}/")`, ['127.0.0.1']);
    expect(result).toMatchObject({ ok: false, kind: 'runtime', message: `FetchError: fetch: request to 127.0.0.1:${port} failed (ECONNREFUSED)` });
  });
});

describe('where an allowed name resolves', () => {
  const fetchBack = 'export default async (u) => { try { return (await fetch(u)).status; } catch (e) { return e.name + ": " + e.message; } };';
  /** A resolver the test controls, counting its calls; `answers` are used in turn, the last one repeated. */
  function resolver(...answers: string[]) {
    const calls: string[] = [];
    const lookup = async (hostname: string) => {
      calls.push(hostname);
      const address = answers[Math.min(calls.length, answers.length) - 1]!;
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    };
    return { calls, lookup };
  }
  const withLookup = async (lookup: HostLookup, code: string, allowedHosts: string[], args: unknown[]): Promise<SandboxResult> => {
    const own = new Sandbox({ lookup });
    try {
      return await own.run({ code, exportName: 'default', args, allowedHosts, timeoutMs: 3000 });
    } finally {
      own.dispose();
    }
  };
  const port = (): string => new URL(base).port;

  it('refuses an allowed name that resolves to loopback, unless the address is listed too', async () => {
    const url = `http://localhost:${port()}/`;
    expect(await run(fetchBack, ['localhost'], [url])).toMatchObject({
      ok: true,
      value: `DeniedError: fetch: localhost:${port()} resolves to a loopback, link-local or private address; list that address in the allowed hosts to reach it`,
    });
    expect(await run(fetchBack, ['localhost', `127.0.0.1:${port()}`], [url])).toMatchObject({ ok: true, value: 200 });
    expect(await run(fetchBack, ['localhost', '127.0.0.1:1'], [url])).toMatchObject({ ok: true, value: expect.stringMatching(/^DeniedError/) });
  });

  it.each([
    '169.254.169.254',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '224.0.0.1',
    '255.255.255.255',
  ])('refuses a name resolving to %s without connecting', async (address) => {
    const { calls, lookup } = resolver(address);
    const result = await withLookup(lookup, fetchBack, ['metadata.test'], ['http://metadata.test/latest/meta-data/']);
    expect(result).toMatchObject({
      ok: true,
      value: expect.stringMatching(/^DeniedError: fetch: metadata\.test resolves to a loopback, link-local or private address/),
    });
    expect(calls).toEqual(['metadata.test']);
  });

  it('connects to the address it checked, with the name as Host: a resolver answering differently the second time cannot redirect it', async () => {
    const { calls, lookup } = resolver('127.0.0.1', '169.254.169.254');
    const hosts: string[] = [];
    const probe = createServer((request, response) => {
      hosts.push(request.headers.host ?? '');
      response.end('ok');
    });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const probePort = (probe.address() as AddressInfo).port;
    try {
      const code = 'export default async (u) => { const r = await fetch(u); return [r.status, await r.text()]; };';
      const result = await withLookup(lookup, code, ['service.test', '127.0.0.1'], [`http://service.test:${probePort}/who`]);
      expect(result).toMatchObject({ ok: true, value: [200, 'ok'] });
      expect(calls).toEqual(['service.test']);
      expect(hosts).toEqual([`service.test:${probePort}`]);
    } finally {
      await new Promise((resolve) => probe.close(resolve));
    }
  });
});

describe('isAllowedHost', () => {
  it('matches a host name exactly, any port unless one is given', () => {
    expect(isAllowedHost(new URL('https://api.example.com/x'), ['API.example.com'])).toBe(true);
    expect(isAllowedHost(new URL('https://api.example.com:8443/x'), ['api.example.com'])).toBe(true);
    expect(isAllowedHost(new URL('https://api.example.com:8443/x'), ['api.example.com:443'])).toBe(false);
    expect(isAllowedHost(new URL('https://evil-api.example.com/'), ['api.example.com'])).toBe(false);
    expect(isAllowedHost(new URL('https://api.example.com.evil.io/'), ['api.example.com'])).toBe(false);
    expect(isAllowedHost(new URL('https://x@api.example.com/'), ['x'])).toBe(false);
  });
});
