// The JavaScript that runs inside every isolate before the admin's module. It is evaluated as a
// closure so its helpers stay private: a script sees only `console`, `fetch` and `env` beyond
// standard JavaScript. Built-ins are captured before the script runs, so a script that patches
// JSON or Reflect only breaks itself; the host re-validates everything that comes back anyway.
//
// Closure arguments: $0 log sink (ignored host callback), $1 fetch (host function reference),
// $2 caps as JSON, $3 "a call has started" (ignored host callback). Result: { attach(namespace) -> JSON export names, invoke(name, args, env) ->
// JSON envelope }. Envelopes are strings so no object crosses the boundary.
export const runtimeSource = String.raw`
'use strict';
// WebAssembly.Memory buffers are reserved outside isolated-vm's allocator, so they escape the
// memory limit (a filled 1 GiB Memory grew the host, not the isolate); SharedArrayBuffer and
// Atomics only serve wait/notify games a script has no use for. They go before the module runs.
for (const name of ['WebAssembly', 'SharedArrayBuffer', 'Atomics']) delete globalThis[name];
const send = $0, fetchRef = $1, caps = JSON.parse($2), started = $3;
// A Callback cannot hand back a host promise, so fetch goes through a Reference to the host
// function; it stays in this closure, out of the script's reach. Null prototypes: isolated-vm
// reads these options, and a script may have polluted Object.prototype.
const fetchOptions = { __proto__: null, arguments: { __proto__: null, copy: true }, result: { __proto__: null, promise: true, copy: true } };
const hostFetch = (request) => fetchRef.apply(undefined, [request], fetchOptions);
const { parse, stringify } = JSON;
const { freeze, defineProperty, keys } = Object;
const apply = Reflect.apply, toText = String, ErrorCtor = Error, captureStack = Error.captureStackTrace;
class DeniedError extends Error {}
DeniedError.prototype.name = 'DeniedError';
class FetchError extends Error {}
FetchError.prototype.name = 'FetchError';

let ns, entries = 0, chars = 0, sent = 0, truncated = false, callId = 0, active = false;

function describe(value) {
  try {
    if (typeof value === 'string') return value;
    if (value instanceof ErrorCtor) return toText(value.stack || value);
    const json = stringify(value);
    return json === undefined ? toText(value) : json;
  } catch {
    return '[unprintable]';
  }
}

// Caps are enforced here so a console flood never crosses into the host; the host caps again.
function write(level, args) {
  if (truncated) return;
  sent++;
  if (entries >= caps.maxLogEntries) { truncated = true; send(level, '', true); return; }
  const room = caps.maxLogChars - chars;
  let message = '';
  for (let i = 0; i < args.length && message.length <= room; i++) message += (i ? ' ' : '') + describe(args[i]);
  const cut = message.length > room;
  if (cut) { message = message.slice(0, room); truncated = true; }
  entries++; chars += message.length;
  send(level, message, cut);
}
const console = freeze({
  log: (...a) => write('log', a), info: (...a) => write('info', a), warn: (...a) => write('warn', a),
  error: (...a) => write('error', a), debug: (...a) => write('debug', a),
});
defineProperty(globalThis, 'console', { value: console, writable: true, configurable: true });

async function fetch(input, init) {
  const o = init == null ? {} : init;
  if (o.body !== undefined && typeof o.body !== 'string') throw new TypeError('fetch: body must be a string (use JSON.stringify)');
  const request = stringify({ url: toText(input), method: o.method, headers: o.headers, body: o.body });
  // Taken before the await: afterwards the stack no longer shows the script's line.
  const site = {};
  captureStack(site, fetch);
  const mine = callId;
  const answer = await hostFetch(request);
  // An answer for a call that is over parks its continuation forever: code resumed now would run
  // with no call, and so no time limit, watching it.
  if (mine !== callId || !active) return new Promise(() => {});
  const r = parse(answer);
  if (!r.ok) {
    const error = r.denied ? new DeniedError(r.message) : new FetchError(r.message);
    error.stack = toText(error.name) + ': ' + r.message + toText(site.stack).slice(toText(site.stack).indexOf('\n'));
    throw error;
  }
  const body = r.body;
  return freeze({
    ok: r.status >= 200 && r.status < 300, status: r.status, statusText: r.statusText, url: r.url,
    headers: freeze(r.headers), body, text: async () => body, json: async () => parse(body),
  });
}
defineProperty(globalThis, 'fetch', { value: fetch, writable: true, configurable: true });

function fault(kind, message, stack) {
  return '{"ok":false,"sent":' + sent + ',"kind":"' + kind + '","message":' + stringify(message) +
    (stack ? ',"stack":' + stringify(stack) : '') + '}';
}
function thrown(error) {
  const kind = error instanceof DeniedError ? 'denied' : 'runtime';
  try {
    if (error instanceof ErrorCtor) return fault(kind, toText(error.name) + ': ' + toText(error.message), toText(error.stack));
    return fault(kind, 'Uncaught ' + describe(error));
  } catch {
    return fault(kind, 'Uncaught exception (unprintable)');
  }
}
function replacer(key, value) {
  const type = typeof value;
  if (type === 'function' || type === 'symbol' || type === 'bigint') {
    throw new TypeError('a ' + type + ' at ' + (key === '' ? 'the top level' : 'key "' + key + '"') + ' cannot be returned');
  }
  return value;
}

function attach(namespace) {
  ns = namespace;
  const names = [];
  try {
    for (const name of keys(ns)) if (typeof ns[name] === 'function') names.push(name);
  } catch (error) {
    // Exports still in their TDZ: evaluation is parked at a top-level await.
    if (error instanceof ReferenceError) return 'null';
    throw error;
  }
  return stringify(names);
}

async function invoke(exportName, argsJson, envJson) {
  // Tells the host the script has a thread at last: its run time starts now, not when it was queued.
  started();
  callId++; active = true;
  try {
    return await call(exportName, argsJson, envJson);
  } finally {
    active = false;
  }
}
async function call(exportName, argsJson, envJson) {
  entries = 0; chars = 0; sent = 0; truncated = false;
  defineProperty(globalThis, 'env', { value: freeze(parse(envJson)), writable: false, configurable: true });
  let value;
  try {
    const fn = ns[exportName];
    if (typeof fn !== 'function') return fault('runtime', 'The script has no exported function "' + exportName + '"');
    value = await apply(fn, undefined, parse(argsJson));
  } catch (error) {
    return thrown(error);
  }
  if (value === undefined) return '{"ok":true,"sent":' + sent + '}';
  let json;
  try {
    json = stringify(value, replacer);
  } catch (error) {
    return fault('output', 'The result is not JSON-serialisable: ' + describe(error && error.message));
  }
  if (json.length > caps.maxOutputChars) return fault('output', 'The result is larger than ' + caps.maxOutputChars + ' characters');
  return '{"ok":true,"sent":' + sent + ',"value":' + json + '}';
}
return { attach, invoke };
`;
