// The one network door a script has. It runs on the host, so everything it gets from the isolate
// is untrusted JSON and everything it returns is a JSON string (never an Error: a host error
// copied into the isolate would carry host stack frames and file paths).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { chooseAddress, type HostLookup, type ResolvedAddress } from './destination.js';

export interface FetchPolicy {
  readonly allowedHosts: readonly string[];
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Aborted when the call ends, so no request outlives the script that made it. */
  readonly signal: AbortSignal;
  readonly lookup: HostLookup;
}

const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const maxRequestChars = 1_048_576;

const denied = (message: string): string => JSON.stringify({ ok: false, denied: true, message });
const failed = (message: string): string => JSON.stringify({ ok: false, denied: false, message });

/** `"host"` allows any port of that host; `"host:port"` only that port. Names compare lowercased. */
export function isAllowedHost(url: URL, allowedHosts: readonly string[]): boolean {
  return allowedHosts.some((entry) => {
    const allowed = entry.toLowerCase();
    return allowed === url.hostname || allowed === url.host;
  });
}

interface ScriptRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

function parseRequest(json: unknown): ScriptRequest | string {
  if (typeof json !== 'string' || json.length > maxRequestChars) return 'fetch: request too large';
  const raw: unknown = JSON.parse(json);
  if (typeof raw !== 'object' || raw === null) return 'fetch: bad request';
  const { url, method = 'GET', headers = {}, body } = raw as Record<string, unknown>;
  if (typeof url !== 'string') return 'fetch: url must be a string';
  if (typeof method !== 'string' || !methods.has(method.toUpperCase())) return `fetch: unsupported method ${String(method)}`;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return 'fetch: headers must be a plain object';
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') return `fetch: header ${name} must be a string`;
    clean[name] = value;
  }
  if (body !== undefined && typeof body !== 'string') return 'fetch: body must be a string';
  return { url, method: method.toUpperCase(), headers: clean, body };
}

async function readCapped(response: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    // Leaving the loop destroys the stream, so the rest of an oversized body is never read.
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Connects to `target`, the address that was checked, never to a second lookup of the name: the
 * name only travels as the Host header and the TLS server name (which the certificate must match).
 * Redirects are not followed (node:http never does): one could leave the allowed hosts.
 */
function send(url: URL, target: ResolvedAddress, request: ScriptRequest, signal: AbortSignal): Promise<IncomingMessage> {
  const options = {
    host: target.address,
    family: target.family,
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    method: request.method,
    headers: { ...request.headers, host: url.host },
    // A fresh connection per request: a pooled one would be keyed by name, not by checked address.
    agent: false,
    signal,
  } as const;
  return new Promise((resolve, reject) => {
    const outgoing =
      url.protocol === 'https:'
        ? httpsRequest({ ...options, servername: isIP(url.hostname.replace(/^\[|\]$/g, '')) ? undefined : url.hostname }, resolve)
        : httpRequest(options, resolve);
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

export async function hostFetch(requestJson: unknown, policy: FetchPolicy): Promise<string> {
  let request: ScriptRequest | string;
  try {
    request = parseRequest(requestJson);
  } catch {
    return failed('fetch: bad request');
  }
  if (typeof request === 'string') return failed(request);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return failed(`fetch: invalid URL ${JSON.stringify(request.url)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return denied(`fetch: protocol ${url.protocol} is not allowed`);
  if (!isAllowedHost(url, policy.allowedHosts)) {
    return denied(`fetch: host ${url.host} is not in this script's allowed hosts`);
  }
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  try {
    const target = await chooseAddress(url, policy.allowedHosts, policy.lookup);
    if ('refused' in target) return denied(target.refused);
    const response = await send(url, target, request, AbortSignal.any([policy.signal, timeout]));
    const body = await readCapped(response, policy.maxResponseBytes);
    if (body === undefined) return failed(`fetch: response from ${url.host} is larger than ${policy.maxResponseBytes} bytes`);
    const headers = Object.fromEntries(
      Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
    );
    return JSON.stringify({ ok: true, status: response.statusCode, statusText: response.statusMessage ?? '', url: url.href, headers, body });
  } catch (error) {
    if (timeout.aborted) return failed(`fetch: ${url.host} did not answer within ${policy.timeoutMs} ms`);
    // Only the error code (ECONNREFUSED, ENOTFOUND, ...) reaches the script, never a host message or stack.
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    return failed(`fetch: request to ${url.host} failed${typeof code === 'string' ? ` (${code})` : ''}`);
  }
}
