import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { inHashSlot } from './hash-slots.js';

describe('inHashSlot', () => {
  it('runs at most one hash per core and starts the waiting ones in arrival order', async () => {
    const cores = availableParallelism();
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const jobs = Array.from({ length: cores + 3 }, (_, i) =>
      inHashSlot(async () => {
        started.push(i);
        peak = Math.max(peak, ++running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return i;
      }),
    );
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await settle();
    expect(started).toEqual(Array.from({ length: cores }, (_, i) => i));
    while (releases.length) {
      releases.shift()!();
      await settle();
    }
    expect(await Promise.all(jobs)).toEqual(Array.from({ length: cores + 3 }, (_, i) => i));
    expect(peak).toBe(cores);
    expect(started).toEqual(Array.from({ length: cores + 3 }, (_, i) => i));
  });

  it('frees the slot when the work fails', async () => {
    const failures = Array.from({ length: availableParallelism() + 1 }, () => inHashSlot(() => Promise.reject(new Error('bad hash'))));
    for (const failure of failures) await expect(failure).rejects.toThrow('bad hash');
    expect(await inHashSlot(() => Promise.resolve('free'))).toBe('free');
  });
});
