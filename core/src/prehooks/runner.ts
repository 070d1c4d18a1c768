import type { Sandbox, SandboxResult } from '@tributary/sandbox';
import type { Logger } from '../logger.js';
import { applyChange, parseResult, RUN_MODES, type Change, type Payload } from './events.js';
import type { PrehookEvent } from './prehook.entity.js';
import type { ActivePrehook, PrehookCache } from './prehook-cache.js';
import type { PrehookRunLog, PrehookRunRecord, RunErrorKind } from './run-log.js';

/**
 * A prehook stopped the operation: it answered `{ deny }` (reason is the admin's text, fine to show),
 * it crashed, timed out or answered garbage under failurePolicy DENY, or it never ran at all (kind
 * `unavailable`, whatever the policy). Reason is null but for `deny`: what went wrong is for the
 * admin's run log, never for the end user.
 */
export class PrehookDenied extends Error {
  override readonly name = 'PrehookDenied';
  constructor(
    readonly event: PrehookEvent,
    readonly prehook: { id: string; name: string },
    readonly reason: string | null,
    readonly kind: 'deny' | RunErrorKind,
  ) {
    super(
      reason ??
        (kind === 'unavailable'
          ? `prehook "${prehook.name}" did not run: every isolate of its script stayed busy`
          : `prehook "${prehook.name}" failed (${kind}) and its failure policy is DENY`),
    );
  }

  /** For audit details: ids and kinds, no script output. */
  get details(): Record<string, unknown> {
    return { prehook: this.prehook.id, event: this.event, kind: this.kind };
  }
}

/** One script call, judged against its event. */
export interface Judged {
  record: PrehookRunRecord;
  /** The validated change when the script answered well. */
  change: Change | null;
}

/** Runs the enabled prehooks of an event in the sandbox, applies their changes and records every run. */
export class PrehookRunner {
  constructor(
    private readonly sandbox: Sandbox,
    readonly cache: PrehookCache,
    readonly runs: PrehookRunLog,
    private readonly logger: Logger,
  ) {}

  /**
   * Runs `event` on `payload` (changed in place, so the caller reads the outcome from it). Throws
   * PrehookDenied on a denial, or on a failure of a DENY-policy prehook of a sequential event.
   */
  async run<E extends PrehookEvent>(event: E, payload: Payload<E>): Promise<Payload<E>> {
    const prehooks = await this.cache.forEvent(event);
    if (prehooks.length === 0) return payload;
    if (RUN_MODES[event] === 'parallel') {
      // Each gets its own copy, so they cannot see (or race on) one another.
      await Promise.all(prehooks.map((prehook) => this.call(prehook, structuredClone(payload), false)));
      return payload;
    }
    for (const prehook of prehooks) {
      const { record, change } = await this.call(prehook, payload, false);
      if (!change) {
        // CONTINUE trusts a script that ran and failed; one that never ran said nothing at all, and
        // passing it would let a flood of calls switch a sequential (security) check off.
        if (record.errorKind === 'unavailable') throw new PrehookDenied(event, prehook, null, 'unavailable');
        if (prehook.failurePolicy === 'DENY') throw new PrehookDenied(event, prehook, null, record.errorKind ?? 'runtime');
        this.logger.warn({ prehook: prehook.id, event, kind: record.errorKind }, 'a prehook failed; its failure policy is CONTINUE');
        continue;
      }
      if (change.deny) throw new PrehookDenied(event, prehook, change.deny.slice(0, 200), 'deny');
    }
    return payload;
  }

  /** testPrehook: one run of a stored prehook (enabled or not) on an admin's sample payload. */
  async test(prehook: ActivePrehook, sample: Record<string, unknown>): Promise<Judged> {
    return this.call(prehook, { ...sample, event: prehook.event } as Payload<PrehookEvent>, true);
  }

  private async call<E extends PrehookEvent>(prehook: ActivePrehook, payload: Payload<E>, test: boolean): Promise<Judged> {
    let result: SandboxResult;
    try {
      result = await this.sandbox.run({ code: prehook.code, exportName: 'default', args: [payload], timeoutMs: prehook.timeoutMs });
    } catch (error) {
      // Only host mistakes reject (a payload that is not JSON, a disposed sandbox): a failure like any other.
      this.logger.error({ err: error, prehook: prehook.id }, 'the sandbox refused a prehook call');
      result = { ok: false, kind: 'runtime', message: 'the prehook could not be started', log: { entries: [], truncated: false }, durationMs: 0 };
    }
    const base = {
      prehookId: prehook.id,
      event: prehook.event,
      durationMs: result.durationMs,
      log: [...result.log.entries],
      logTruncated: result.log.truncated,
      test,
    };
    if (!result.ok) {
      const record = this.runs.record({ ...base, ok: false, errorKind: result.kind, errorMessage: result.message, errorLine: result.line ?? null });
      return { record, change: null };
    }
    const parsed = parseResult(prehook.event, result.value);
    if (!parsed.ok) {
      const record = this.runs.record({ ...base, ok: false, errorKind: 'invalid_result', errorMessage: parsed.message, errorLine: null });
      return { record, change: null };
    }
    const notes = parsed.change.deny ? [] : applyChange(payload, parsed.change);
    for (const note of notes) base.log.push({ level: 'warn', message: note, atMs: result.durationMs });
    const record = this.runs.record({ ...base, ok: true, errorKind: null, errorMessage: null, errorLine: null });
    return { record, change: parsed.change };
  }
}
