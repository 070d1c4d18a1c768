import ivm from 'isolated-vm';
import { fault, scriptFilename, type Fault } from './faults.js';
import type { Limits } from './limits.js';
import { runtimeSource } from './runtime-source.js';

/** What the isolate may call on the host: nothing else is reachable from inside. */
export interface RuntimeHooks {
  log(level: unknown, message: unknown, cut: unknown): void;
  fetch(requestJson: unknown): Promise<string>;
  /** The isolate began running a call (it may have waited for one of isolated-vm's threads). */
  started(): void;
}

/** One admin script evaluated in its own context, with the entry point the host calls. */
export class Runtime {
  private constructor(
    readonly isolate: ivm.Isolate,
    private readonly invokeRef: ivm.Reference,
    /** Names of the module's exported functions. */
    readonly exports: readonly string[],
  ) {}

  /**
   * Compiles, links and evaluates `code`. Faults the author must fix at upload time (syntax,
   * imports) come back as values; errors of the module's top-level code are thrown as isolated-vm
   * raised them, for the caller to classify with the call's limits in mind.
   */
  static async create(isolate: ivm.Isolate, code: string, limits: Limits, hooks: RuntimeHooks, timeoutMs: number): Promise<Runtime | Fault> {
    const context = await isolate.createContext();
    const caps = JSON.stringify({
      maxLogEntries: limits.maxLogEntries,
      maxLogChars: limits.maxLogChars,
      maxOutputChars: limits.maxOutputChars,
    });
    const api = await context.evalClosure(
      runtimeSource,
      [new ivm.Callback(hooks.log, { ignored: true }), new ivm.Reference(hooks.fetch), caps, new ivm.Callback(hooks.started, { ignored: true })],
      {
        result: { reference: true },
        filename: 'file:///tributary-runtime.js',
      },
    );
    const attach: ivm.Reference = await api.get('attach', { reference: true });
    const invoke: ivm.Reference = await api.get('invoke', { reference: true });
    let module: ivm.Module;
    try {
      module = await isolate.compileModule(code, { filename: scriptFilename });
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'SyntaxError') throw error;
      const line = /\[file:\/\/\/script\.mjs:(\d+):\d+\]$/.exec(error.message)?.[1];
      return fault('syntax', `SyntaxError: ${error.message.replace(/ \[file:.*\]$/, '')}`, line === undefined ? undefined : Number(line));
    }
    const specifier = module.dependencySpecifiers[0];
    if (specifier !== undefined) {
      const index = code.split('\n').findIndex((text) => text.includes(specifier));
      const message = `Scripts cannot import modules ("${specifier}"): only standard JavaScript, console, fetch and env are available`;
      return fault('denied', message, index < 0 ? undefined : index + 1);
    }
    await module.instantiate(context, () => {
      throw new Error('unreachable: the module has no imports');
    });
    await module.evaluate({ timeout: timeoutMs });
    const names: unknown = await attach.apply(undefined, [module.namespace.derefInto()], { result: { copy: true }, timeout: timeoutMs });
    const parsed: unknown = typeof names === 'string' ? JSON.parse(names) : [];
    if (parsed === null) {
      // isolated-vm's evaluate does not wait for a top-level await that needs the host (a fetch).
      return fault(
        'runtime',
        'The module did not finish evaluating: top-level await is only possible for values already at hand; call fetch inside the exported functions',
      );
    }
    const exports = Array.isArray(parsed) ? parsed.filter((name): name is string => typeof name === 'string') : [];
    return new Runtime(isolate, invoke, exports);
  }

  /** Calls an export; resolves with the isolate's JSON envelope (see runtime-source.ts). */
  invoke(exportName: string, argsJson: string, envJson: string, timeoutMs: number): Promise<unknown> {
    return this.invokeRef.apply(undefined, [exportName, argsJson, envJson], {
      timeout: timeoutMs,
      result: { promise: true, copy: true },
    });
  }
}
