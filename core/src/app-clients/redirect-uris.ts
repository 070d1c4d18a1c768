/**
 * The rules for the URIs an app registers (RFC 6749 §3.1.2, RFC 8252 §7.3, RFC 9700 §4.1): absolute,
 * compared exactly, no fragment, and https except on the loopback addresses, where native apps and
 * development servers listen. Each returns the problem in words, or null when the URI is fine.
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function redirectUriProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URI';
  }
  if (value.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'http:') return LOOPBACK.has(url.hostname) ? null : 'must use https (http only for 127.0.0.1 or localhost)';
  if (url.protocol === 'https:') return null;
  // A custom scheme of a native app (com.example.app:/callback) is allowed; script schemes never.
  if (/^(javascript|data|vbscript|file):$/i.test(url.protocol)) return 'must not use this scheme';
  return url.protocol.includes('.') ? null : 'must use https, http on 127.0.0.1 or localhost, or a reverse-domain app scheme';
}

/** An allowed CORS origin: scheme, host and port only, exactly as a browser sends it in `Origin`. */
export function corsOriginProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an origin such as https://app.example.com';
  }
  if (url.origin !== value) return 'must be an origin only (scheme, host and port; no path or trailing slash)';
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) return 'must use https (http only for 127.0.0.1 or localhost)';
  return null;
}
