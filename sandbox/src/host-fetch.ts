// The one network door a script has. It runs on the host, so everything it gets from the isolate
// is untrusted JSON and everything it returns is a JSON string (never an Error: a host error
// copied into the isolate would carry host stack frames and file paths).

export interface FetchPolicy {
  readonly allowedHosts: readonly string[];
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Aborted when the call ends, so no request outlives the script that made it. */
  readonly signal: AbortSignal;
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

async function readCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    // Leaving the loop cancels the stream, so the rest of an oversized body is never read.
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
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
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      // Following a redirect could leave the allowed hosts; the script sees the 3xx instead.
      redirect: 'manual',
      signal: AbortSignal.any([policy.signal, AbortSignal.timeout(policy.timeoutMs)]),
    });
    const body = await readCapped(response, policy.maxResponseBytes);
    if (body === undefined) return failed(`fetch: response from ${url.host} is larger than ${policy.maxResponseBytes} bytes`);
    const headers = Object.fromEntries(response.headers);
    return JSON.stringify({ ok: true, status: response.status, statusText: response.statusText, url: url.href, headers, body });
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      return failed(`fetch: ${url.host} did not answer within ${policy.timeoutMs} ms`);
    }
    // Only the error code (ECONNREFUSED, ...) reaches the script, never a host message or stack.
    const cause: unknown = error instanceof Error ? error.cause : undefined;
    const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
    return failed(`fetch: request to ${url.host} failed${typeof code === 'string' ? ` (${code})` : ''}`);
  }
}
