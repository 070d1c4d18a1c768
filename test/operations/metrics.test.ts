import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { createPrehook, createUser } from '../prehooks/support.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createPool, signIn } from '../support/sign-in.js';

let server: TestServer;
let peer: DirectoryPeer;

beforeAll(async () => {
  server = await startTestServer({ sources: [directorySource], env: { TRIBUTARY_METRICS_PORT: '0' } });
  peer = await startDirectoryPeer();
});
afterAll(async () => {
  await peer.close();
  await server.close();
});

const scrape = async (): Promise<string> => {
  const response = await fetch(server.app.metricsUrl!);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
};

/** The value of one sample, `name{labels}` written as Prometheus prints it (labels in declaration order); 0 when absent. */
const sample = (text: string, series: string): number => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

describe('GET /metrics', () => {
  it('counts sign-ins by outcome and pool, hash and pipeline time, source calls, breaker state and sandbox runs', async () => {
    await createUser(server, 'metered@local.test', 'metered-pass-1');
    const pool = await createPool(server, { name: 'metered', type: 'EXTERNAL', source: directorySource.key, config: peer.config() });
    peer.addUser({ email: 'sourced@peer.test', password: 'sourced-pass-1' });
    await createPrehook(server, { event: 'beforeSignIn', code: 'export default async () => {}' });
    const before = await scrape();

    expect((await signIn(server, 'metered@local.test', 'metered-pass-1')).status).toBe(200);
    expect((await signIn(server, 'metered@local.test', 'wrong-password-1')).status).toBe(401);
    expect((await signIn(server, 'sourced@peer.test', 'sourced-pass-1')).status).toBe(200);
    const after = await scrape();

    const moved = (series: string) => sample(after, series) - sample(before, series);
    expect(moved('tributary_sign_ins_total{outcome="ok",pool="local"}')).toBe(1);
    expect(moved('tributary_sign_ins_total{outcome="invalid_credentials",pool="local"}')).toBe(1);
    expect(moved(`tributary_sign_ins_total{outcome="ok",pool="${pool}"}`)).toBe(1);
    expect(moved('tributary_sign_in_hash_seconds_count{outcome="ok"}')).toBe(2);
    expect(moved('tributary_sign_in_pipeline_seconds_count{outcome="ok"}')).toBe(2);
    expect(sample(after, 'tributary_sign_in_hash_seconds_sum{outcome="ok"}')).toBeGreaterThan(
      sample(before, 'tributary_sign_in_hash_seconds_sum{outcome="ok"}'),
    );
    expect(moved(`tributary_source_calls_total{pool="${pool}",operation="authenticate",result="accepted",code=""}`)).toBe(1);
    expect(sample(after, `tributary_pool_circuit_state{pool="${pool}",state="closed"}`)).toBe(1);
    expect(sample(after, `tributary_pool_circuit_state{pool="${pool}",state="open"}`)).toBe(0);
    expect(moved('tributary_sandbox_runs_total{kind="ok"}')).toBe(3);
    expect(sample(after, 'tributary_db_pool_connections{state="total"}')).toBeGreaterThan(0);
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(after).toMatch(/^process_resident_memory_bytes \d/m);
  });

  it('listens on 127.0.0.1 only, apart from the service port, and serves nothing else', async () => {
    const url = new URL(server.app.metricsUrl!);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).not.toBe(new URL(server.url).port);
    expect((await fetch(new URL('/graphql', url))).status).toBe(404);
    // Not on the service's listener, and not on any other address of this machine.
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && !address.internal)
      .map((address) => (address!.family === 'IPv6' ? `[${address!.address.split('%')[0]}]` : address!.address));
    for (const host of ['[::1]', ...others]) {
      await expect(fetch(`http://${host}:${url.port}/metrics`, { signal: AbortSignal.timeout(5000) }), host).rejects.toThrow();
    }
  });
});
