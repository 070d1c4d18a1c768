import { describe, expect, it } from 'vitest';
import { faultToSourceError, redactor } from '../src/errors.js';

const log = { entries: [], truncated: false };
const fault = (kind: string, message = 'boom', line?: number) => ({ ok: false as const, kind, message, log, ...(line ? { line } : {}) });
const redact = redactor({ API_KEY: 'k3y-value', SHORT: 'abc' });

/** Every fault kind the sandbox reports, including those hard to provoke (oom, a full isolate queue). */
describe('custom-code: fault mapping', () => {
  it('syntax is the admin config; every other fault is "cannot tell"', () => {
    expect(faultToSourceError('authenticate', fault('syntax', 'Unexpected token', 3), redact)).toMatchObject({ code: 'INVALID_CONFIG', field: 'code' });
    expect(faultToSourceError('authenticate', fault('timeout'), redact)).toMatchObject({ code: 'TIMEOUT', unavailable: true });
    expect(faultToSourceError('authenticate', fault('output'), redact)).toMatchObject({ code: 'BAD_RESPONSE', unavailable: true });
    for (const kind of ['oom', 'runtime', 'denied', 'unavailable', 'a-kind-added-later']) {
      expect(faultToSourceError('getUser', fault(kind), redact)).toMatchObject({ code: 'UNAVAILABLE', unavailable: true });
    }
  });

  it('masks env values of four characters or more, names the export and the line', () => {
    const error = faultToSourceError('getUser', fault('runtime', 'bad key k3y-value for abc', 7), redact);
    expect(error.message).toBe("the script's getUser failed (runtime at line 7): bad key ******** for abc");
  });
});
