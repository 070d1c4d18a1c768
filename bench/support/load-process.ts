// The load generator of `pnpm bench saturation`: one autocannon run in a process of its own (started per run
// by runLoad in load.ts), so its CPU is neither the server's nor the bench's, and is measured on its own.
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.js';

if (!process.send) throw new Error('load-process.ts is started by runLoad() in load.ts');
const send = process.send.bind(process);

/**
 * Each connection keeps its own refresh-token chain in autocannon's per-connection context. autocannon clears
 * that context whenever a connection wraps around its list of requests, so the list is one request repeated
 * more often than a run can send (autocannon copies the list once, before it starts).
 */
const CHAIN_LENGTH = 100_000;

function requestsFor(spec: LoadSpec): autocannon.Request[] {
  const json = { 'content-type': 'application/json' };
  if (spec.kind === 'sign-in') {
    // Round robin over many accounts: the throttle allows 5 attempts in flight per account and address.
    let next = 0;
    return [
      {
        method: 'POST',
        path: '/auth/sign-in',
        setupRequest: (request) => ({
          ...request,
          headers: json,
          body: JSON.stringify({ email: spec.emails[next++ % spec.emails.length], password: spec.password }),
        }),
      },
    ];
  }
  if (spec.kind === 'graphql') {
    const headers = { ...json, authorization: `Bearer ${spec.adminKey}` };
    return [{ method: 'POST', path: '/graphql', headers, body: JSON.stringify({ query: spec.query }) }];
  }
  const unused = [...spec.tokens];
  const refresh: autocannon.Request = {
    method: 'POST',
    path: '/auth/token',
    setupRequest: (request, context: { token?: string }) => {
      context.token ??= unused.pop();
      return { ...request, headers: json, body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: context.token }) };
    },
    onResponse: (status, body, context: { token?: string }) => {
      // A refused grant leaves the chain on its spent token: every later request of it fails and is counted.
      if (status === 200) context.token = (JSON.parse(body) as { refresh_token: string }).refresh_token;
    },
  };
  return new Array<autocannon.Request>(CHAIN_LENGTH).fill(refresh);
}

process.once('message', (spec: LoadSpec) => {
  let cpu = process.cpuUsage();
  const instance = autocannon(
    {
      url: spec.url,
      connections: spec.connections,
      duration: spec.seconds,
      requests: requestsFor(spec),
      timeout: 30,
      ...(spec.rate ? { overallRate: Math.max(1, Math.round(spec.rate)) } : {}),
    },
    (error, result) => {
      if (error) throw error;
      const { user, system } = process.cpuUsage(cpu);
      const answer: LoadResult = {
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        seconds: result.duration,
        p50: result.latency.p50,
        p99: result.latency.p99,
        cpuMs: (user + system) / 1000,
      };
      send({ type: 'result', result: answer }, () => process.exit(0));
    },
  );
  instance.once('start', () => (cpu = process.cpuUsage()));
  instance.on('error', (error) => {
    throw error;
  });
});
send({ type: 'ready' });
