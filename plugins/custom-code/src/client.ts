import { SourceError, type ScriptSandbox, type SourceContext, type SourceServices } from '@tributary/plugin-kit';
import type { CustomCodeConfig } from './config.js';
import { faultToSourceError, redactor } from './errors.js';

/** core's sandbox, from ctx.services; a server may offer none, and a plugin checks rather than trusts. */
export function sandboxFrom(services: SourceServices): ScriptSandbox {
  const sandbox = services.sandbox as Partial<ScriptSandbox> | undefined;
  if (!sandbox || typeof sandbox.check !== 'function' || typeof sandbox.run !== 'function') {
    throw new SourceError('UNSUPPORTED', 'custom-code sources need the script sandbox (ctx.services.sandbox), which this server does not offer');
  }
  return sandbox as ScriptSandbox;
}

const REQUIRED_EXPORTS = ['authenticate', 'getUser'] as const;

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
    if (!result.ok) throw faultToSourceError(exportName, result, this.redact);
    return result.value;
  }
}
