// Preloaded with `node --import ./test/support/module-log.mjs` by tests that check which modules a
// process loads: every file resolved by import or require is appended, once, to TRIBUTARY_MODULE_LOG.
// registerHooks runs in the loading thread for ESM and CommonJS alike, so a file the SDKs require()
// internally is seen as well as the first import.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import process from 'node:process';

const log = process.env.TRIBUTARY_MODULE_LOG;
if (!log) throw new Error('module-log.mjs needs TRIBUTARY_MODULE_LOG, the file to append resolved modules to');
const seen = new Set();

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (resolved.url.startsWith('file:') && !seen.has(resolved.url)) {
      seen.add(resolved.url);
      appendFileSync(log, `${resolved.url}\n`);
    }
    return resolved;
  },
});
