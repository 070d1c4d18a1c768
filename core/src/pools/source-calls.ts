import { channel } from 'node:diagnostics_channel';

/** One call to a pool's source, as metrics count it: the pool's id and how it ended, nothing about the user. */
export interface SourceCall {
  pool: string;
  operation: 'authenticate' | 'call';
  /** accepted, rejected, refused or unavailable for a password check; ok or unavailable for other calls. */
  result: string;
  /** Why it was unavailable: a SourceError code, or CIRCUIT_OPEN when the breaker refused the call. */
  code?: string;
}

/** `tributary:source-call` on node:diagnostics_channel; nothing is built when nobody listens. */
export const sourceCalls = channel('tributary:source-call');

export function publishSourceCall(call: () => SourceCall): void {
  if (sourceCalls.hasSubscribers) sourceCalls.publish(call());
}
