import type { FaultKind } from './types.js';

/** A script fault before it is stamped with the log and duration. */
export interface Fault {
  readonly kind: FaultKind;
  readonly message: string;
  readonly line?: number;
}

/** The module's name inside the isolate; stack frames and syntax errors point at it. */
export const scriptFilename = 'file:///script.mjs';
const framePattern = /file:\/\/\/script\.mjs:(\d+):\d+/;

export function lineOf(text: string | undefined): number | undefined {
  const match = text === undefined ? null : framePattern.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export function fault(kind: FaultKind, message: string, line?: number): Fault {
  return line === undefined ? { kind, message } : { kind, message, line };
}

export type Envelope =
  { readonly ok: true; readonly value: unknown; readonly sent: number } | { readonly ok: false; readonly fault: Fault; readonly sent: number };

const isolateKinds: ReadonlySet<string> = new Set<FaultKind>(['runtime', 'denied', 'output']);

/** Reads what `invoke` returned. The isolate is untrusted, so its envelope is checked like input. */
export function parseEnvelope(raw: unknown, maxOutputChars: number): Envelope {
  const bad = (message: string): Envelope => ({ ok: false, fault: fault('output', message), sent: 0 });
  // The isolate already capped the value; the slack covers the envelope's own fields.
  if (typeof raw !== 'string' || raw.length > maxOutputChars + 1024) return bad('The result could not be read');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return bad('The result is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) return bad('The result could not be read');
  const { ok, sent, value, kind, message, stack } = parsed as Record<string, unknown>;
  const count = typeof sent === 'number' ? sent : 0;
  if (ok === true) return { ok: true, value, sent: count };
  if (typeof kind !== 'string' || !isolateKinds.has(kind) || typeof message !== 'string') return bad('The result could not be read');
  return { ok: false, fault: fault(kind as FaultKind, message, lineOf(typeof stack === 'string' ? stack : undefined)), sent: count };
}

export const oomFault = (memoryLimitMb: number): Fault => fault('oom', `The script exceeded its memory limit of ${memoryLimitMb} MB`);

/**
 * isolated-vm refuses an array buffer that would pass the memory limit with a RangeError instead
 * of stopping the isolate. Left uncaught it is the limit speaking, so the author reads it as one.
 */
export function outOfMemory(envelope: Envelope, memoryLimitMb: number): Envelope {
  if (envelope.ok || envelope.fault.kind !== 'runtime' || !envelope.fault.message.startsWith('RangeError: Array buffer allocation failed')) return envelope;
  return { ...envelope, fault: oomFault(memoryLimitMb) };
}

export interface FailureContext {
  /** Set when the watchdog disposed the isolate, which is what caused the error. */
  readonly killed: Fault | undefined;
  readonly isolateDisposed: boolean;
  readonly timeoutMessage: string;
  readonly memoryLimitMb: number;
}

/** Maps an error raised by isolated-vm (compile, evaluate, apply) to what the author can act on. */
export function classifyError(error: unknown, context: FailureContext): Fault {
  if (context.killed) return context.killed;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (message === 'Script execution timed out.') return fault('timeout', context.timeoutMessage);
  if (context.isolateDisposed) {
    if (/memory limit/i.test(message)) return oomFault(context.memoryLimitMb);
    return fault('runtime', 'The script was stopped because its isolate was disposed');
  }
  if (name === 'SyntaxError') {
    // isolated-vm appends " [file:///script.mjs:line:column]" to compile errors.
    return fault('syntax', `SyntaxError: ${message.replace(/ \[file:.*\]$/, '')}`, lineOf(message));
  }
  const stack = error instanceof Error ? error.stack : undefined;
  return fault('runtime', `${name}: ${message}`, lineOf(stack));
}
