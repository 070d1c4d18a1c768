import { SourceError, SourceUnavailable, type ScriptFault } from '@tributary/plugin-kit';

const MASK = '********';
/** Shorter values would mask ordinary words in every message; they are too weak to be secrets anyway. */
const MIN_REDACTED_LENGTH = 4;

/**
 * Script messages may quote its secrets (`throw new Error(env.API_KEY)`): every env value is masked
 * before a message reaches a log, an audit event or an admin. Best effort: a script that encodes a
 * secret before printing it is not caught.
 */
export function redactor(env: Readonly<Record<string, string>>): (text: string) => string {
  const secrets = Object.values(env)
    .filter((value) => value.length >= MIN_REDACTED_LENGTH)
    .sort((a, b) => b.length - a.length);
  return (text) => secrets.reduce((out, secret) => out.split(secret).join(MASK), text);
}

/** A fault of one call as a SourceError: only code that does not compile is the admin's config; the rest is "cannot tell". */
export function faultToSourceError(exportName: string, fault: ScriptFault, redact: (text: string) => string): SourceError {
  const where = fault.line ? ` at line ${fault.line}` : '';
  const message = `the script's ${exportName} failed (${fault.kind}${where}): ${redact(fault.message).slice(0, 300)}`;
  if (fault.kind === 'syntax') return new SourceError('INVALID_CONFIG', message, { field: 'code' });
  if (fault.kind === 'timeout') return new SourceUnavailable(message, { code: 'TIMEOUT' });
  if (fault.kind === 'output') return new SourceUnavailable(message, { code: 'BAD_RESPONSE' });
  return new SourceUnavailable(message);
}
