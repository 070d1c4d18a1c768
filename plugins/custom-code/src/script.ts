import { SourceError, SourceUnavailable, type SourceContext } from '@tributary/plugin-kit';
import type { Sandbox, SandboxResult } from '@tributary/sandbox';
import type { CustomCodeConfig } from './config.js';

/** The part of core's sandbox this plugin uses. ctx.services is loosely typed, so it is checked, not trusted. */
export type ScriptSandbox = Pick<Sandbox, 'check' | 'run'>;

export function sandboxFrom(services: Record<string, unknown>): ScriptSandbox {
  const sandbox = services.sandbox as Partial<ScriptSandbox> | undefined;
  if (!sandbox || typeof sandbox.check !== 'function' || typeof sandbox.run !== 'function') {
    throw new SourceError('UNSUPPORTED', 'custom-code sources need the script sandbox (ctx.services.sandbox), which this server does not offer');
  }
  return sandbox as ScriptSandbox;
}

const REQUIRED_EXPORTS = ['authenticate', 'getUser'] as const;
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

/** One custom-code script, compiled and checked once per connection, called with the pool's limits. */
export class Script {
  readonly exports: readonly string[];
  /** Masks the script's secrets in any text it produced. */
  readonly redact: (text: string) => string;
  private readonly env: Readonly<Record<string, string>>;

  private constructor(
    private readonly sandbox: ScriptSandbox,
    private readonly config: CustomCodeConfig,
    private readonly ctx: SourceContext,
    exports: readonly string[],
  ) {
    this.exports = exports;
    this.env = config.env ?? {};
    this.redact = redactor(this.env);
  }

  /** Compiles the code: a syntax error (with its line) or a missing export is INVALID_CONFIG on `code`. */
  static async load(sandbox: ScriptSandbox, config: CustomCodeConfig, ctx: SourceContext): Promise<Script> {
    const checked = await sandbox.check(config.code);
    const redact = redactor(config.env ?? {});
    if (!checked.ok) {
      const where = checked.line ? ` (line ${checked.line})` : '';
      const what = checked.kind === 'syntax' ? 'syntax error' : checked.kind;
      throw new SourceError('INVALID_CONFIG', `code: ${what}${where}: ${redact(checked.message)}`, { field: 'code' });
    }
    const missing = REQUIRED_EXPORTS.filter((name) => !checked.exports.includes(name));
    if (missing.length) {
      throw new SourceError('INVALID_CONFIG', `code: must export async functions ${missing.map((name) => `"${name}"`).join(' and ')}`, { field: 'code' });
    }
    return new Script(sandbox, config, ctx, checked.exports);
  }

  has(exportName: string): boolean {
    return this.exports.includes(exportName);
  }

  /** Calls one export; any fault is a SourceError, so core never reads a broken script as "wrong password". */
  async call(exportName: string, args: unknown[]): Promise<unknown> {
    const result = await this.sandbox.run({
      code: this.config.code,
      exportName,
      args,
      env: this.env,
      allowedHosts: this.config.allowedHosts,
      timeoutMs: this.ctx.timeoutMs,
    });
    if (result.log.entries.length) {
      const entries = result.log.entries.map((entry) => ({ ...entry, message: this.redact(entry.message) }));
      this.ctx.logger.debug({ export: exportName, entries, truncated: result.log.truncated }, 'custom-code script log');
    }
    if (!result.ok) throw this.fault(exportName, result);
    return result.value;
  }

  private fault(exportName: string, result: Extract<SandboxResult, { ok: false }>): SourceError {
    const where = result.line ? ` at line ${result.line}` : '';
    const message = `the script's ${exportName} failed (${result.kind}${where}): ${this.redact(result.message).slice(0, 300)}`;
    if (result.kind === 'syntax') return new SourceError('INVALID_CONFIG', message, { field: 'code' });
    if (result.kind === 'timeout') return new SourceUnavailable(message, { code: 'TIMEOUT' });
    if (result.kind === 'output') return new SourceUnavailable(message, { code: 'BAD_RESPONSE' });
    return new SourceUnavailable(message);
  }
}
