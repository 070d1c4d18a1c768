import { channel } from 'node:diagnostics_channel';

/** Where one password sign-in's time went; no email, address or anything else about the user. */
export interface SignInTiming {
  outcome: string;
  /** The pool whose source decided (`local` for the local store), or `none` when no pool did. */
  pool: string;
  /** From the request's first read to the last write, in the server. */
  totalMs: number;
  /** Spent in password hashing (the user's hash, a rehash, or the dummy that hides a miss). */
  hashMs: number;
}

/**
 * `tributary:sign-in` on node:diagnostics_channel: an APM agent, or `pnpm bench sign-in`, subscribes to
 * see the pipeline's cost beyond the hash. Nothing is built or sent when nobody listens.
 */
export const signInTimings = channel('tributary:sign-in');

export function publishSignInTiming(timing: () => SignInTiming): void {
  if (signInTimings.hasSubscribers) signInTimings.publish(timing());
}
