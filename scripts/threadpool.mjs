// Preloaded with `node --import ./scripts/threadpool.mjs --import tsx core/src/main.ts` (pnpm serve, tributary,
// bench). libuv reads UV_THREADPOOL_SIZE once, when its thread pool starts, and under tsx the pool has already
// started (loading modules) before the first line of main.ts runs: setting it there would change nothing.
// Password hashes (@node-rs/argon2 and node:crypto's scrypt run as libuv work) use at most one thread per
// core (core/src/passwords/hash-slots.ts); libuv's default four stay for DNS lookups, files and the rest.
// An operator's own UV_THREADPOOL_SIZE wins.
import { availableParallelism } from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(availableParallelism() + 4);
