import type { FailurePolicy, PrehookEvent } from './prehook.entity.js';

/** What a sign-in needs of a prehook: plain data, not a managed entity (it outlives any request). */
export interface ActivePrehook {
  id: string;
  name: string;
  event: PrehookEvent;
  code: string;
  position: number;
  timeoutMs: number;
  failurePolicy: FailurePolicy;
}

/** How long a node trusts its copy; an edit on another node is seen within this (nodes stay stateless). */
export const PREHOOK_CACHE_TTL_MS = 5_000;

/**
 * The enabled prehooks of every event, read in one query at most every few seconds, so a sign-in
 * with no prehooks costs no round trip and one with prehooks costs no extra one. Edits on this node
 * invalidate it at once.
 */
export class PrehookCache {
  #byEvent = new Map<PrehookEvent, ActivePrehook[]>();
  #loadedAt = -Infinity;
  /** Bumped by every local edit; a load started before an edit must not be taken as fresh. */
  #generation = 0;
  #applied = -1;
  #loading: { generation: number; done: Promise<void> } | undefined;

  constructor(
    private readonly load: () => Promise<ActivePrehook[]>,
    private readonly ttlMs = PREHOOK_CACHE_TTL_MS,
    /** Monotonic milliseconds; a test passes its own clock to step through the TTL. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  async forEvent(event: PrehookEvent): Promise<readonly ActivePrehook[]> {
    if (this.now() - this.#loadedAt > this.ttlMs) await this.refresh();
    return this.#byEvent.get(event) ?? [];
  }

  invalidate(): void {
    this.#loadedAt = -Infinity;
    this.#generation++;
  }

  /** Callers arriving during a load of the current generation share it. */
  private refresh(): Promise<void> {
    const generation = this.#generation;
    if (this.#loading?.generation !== generation) {
      const done = this.read(generation).finally(() => {
        if (this.#loading?.done === done) this.#loading = undefined;
      });
      this.#loading = { generation, done };
    }
    return this.#loading.done;
  }

  private async read(generation: number): Promise<void> {
    const rows = await this.load();
    // Loads of different generations may finish out of order: the newest one read wins.
    if (generation < this.#applied) return;
    const byEvent = new Map<PrehookEvent, ActivePrehook[]>();
    for (const row of rows) byEvent.set(row.event, [...(byEvent.get(row.event) ?? []), row]);
    for (const list of byEvent.values()) list.sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
    this.#byEvent = byEvent;
    this.#applied = generation;
    if (generation === this.#generation) this.#loadedAt = this.now();
  }
}

// The server's loader, read from the prehooks table's repository; app.ts takes it from here with the cache.
export { loadActivePrehooks } from './prehook.repository.js';
