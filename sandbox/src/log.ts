import type { ExecutionLog, LogEntry, LogLevel } from './types.js';

const levels: ReadonlySet<string> = new Set<LogLevel>(['log', 'info', 'warn', 'error', 'debug']);

/** Collects one call's console output on the host. The isolate caps what it sends, but anything
 * from the isolate is untrusted, so the caps are enforced again here. */
export class LogCollector {
  private readonly entries: LogEntry[] = [];
  private chars = 0;
  private truncated = false;
  private closed = false;
  /** Messages received, compared with the count the isolate says it sent. */
  received = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
    private readonly startedAt: number,
  ) {}

  add(level: unknown, message: unknown, cut: unknown): void {
    if (this.closed) return;
    this.received++;
    if (cut === true) this.truncated = true;
    if (typeof level !== 'string' || !levels.has(level) || typeof message !== 'string') return;
    if (message === '' && cut === true) return; // the isolate's "dropped from here" marker
    if (this.entries.length >= this.maxEntries) {
      this.truncated = true;
      return;
    }
    const room = this.maxChars - this.chars;
    const text = message.length > room ? message.slice(0, room) : message;
    if (text.length < message.length) this.truncated = true;
    this.chars += text.length;
    this.entries.push({ level: level as LogLevel, message: text, atMs: performance.now() - this.startedAt });
  }

  /** Ends collection: messages arriving after the result belong to nobody. */
  close(): ExecutionLog {
    this.closed = true;
    return { entries: this.entries, truncated: this.truncated };
  }
}
