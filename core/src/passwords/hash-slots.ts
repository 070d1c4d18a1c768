import { availableParallelism } from 'node:os';

/**
 * Password hashes run on libuv's thread pool, which DNS lookups, file reads and node:crypto share. A hash
 * is pure CPU, so more of them at once than there are cores only time-slices them (and holds 19 MiB each):
 * at most one per core runs, the rest wait here in arrival order, and the pool keeps threads free for the
 * rest (scripts/threadpool.mjs sizes it to the cores plus libuv's default four).
 */
const SLOTS = availableParallelism();
let running = 0;
const waiting: Array<() => void> = [];

export async function inHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}
