/**
 * How long a failed sign-in must take before it is answered, so that its timing does not say which
 * path it took: a local user's wrong password (one hash), an unknown email (the pools in order, then a
 * dummy hash), or a user whose own pool was asked. Each path's natural duration is sampled; every
 * failure is held until a margin above the slowest path's median (at least `minimumMs`), so all of them
 * leave at about the same time. Medians, not a high percentile: a burst of queued requests (or an
 * attacker's) must not raise the floor for everyone; the margin covers the spread of a steady path.
 * The few failures slower than the floor are not hidden, and the floor never exceeds `MAX_FLOOR_MS`,
 * so one slow source cannot make every typo wait for seconds.
 *
 * Per node and in memory on purpose: it is an estimate of this node's own timings, not shared state.
 */
export type FailurePath = 'local' | 'sources';

const SAMPLES = 128;
/** How far above the slowest path's median failures are held. */
const MARGIN = 1.25;
export const MAX_FLOOR_MS = 3000;

class Window {
  private readonly samples: number[] = [];
  private next = 0;
  private cached: number | undefined;

  add(ms: number): void {
    if (this.samples.length < SAMPLES) this.samples.push(ms);
    else this.samples[this.next] = ms;
    this.next = (this.next + 1) % SAMPLES;
    this.cached = undefined;
  }

  median(): number {
    if (this.cached === undefined) {
      const sorted = [...this.samples].sort((a, b) => a - b);
      this.cached = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
    }
    return this.cached;
  }
}

export class FailureFloor {
  private readonly paths: Record<FailurePath, Window> = { local: new Window(), sources: new Window() };

  constructor(private readonly minimumMs = 0) {}

  /** The time a failure must reach before it is answered. */
  floorMs(): number {
    return Math.min(MAX_FLOOR_MS, Math.max(this.minimumMs, MARGIN * Math.max(this.paths.local.median(), this.paths.sources.median())));
  }

  /**
   * Records a failure's natural duration (only outcomes that say something about the credentials: a
   * timeout is not a path an attacker could tell apart) and waits until the floor.
   */
  async hold(path: FailurePath, startedAt: number, sample: boolean): Promise<void> {
    const elapsed = performance.now() - startedAt;
    if (sample) this.paths[path].add(elapsed);
    const wait = this.floorMs() - elapsed;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
