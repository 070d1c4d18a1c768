import { InitialSchema } from './20261124-initial-schema.js';
import { RowEstimate } from './20261124-row-estimate.js';
import { ExpiryIndexes } from './20261124-expiry-indexes.js';
import { Federation } from './20261124-federation.js';
import { PrehookRuns } from './20261124-prehook-runs.js';
import { SignInAndTokens } from './20261124-sign-in-and-tokens.js';
import { SignInReservations } from './20261202-sign-in-reservations.js';
import { SigningKeySchedule } from './20261203-signing-key-schedule.js';

// Every migration, in order. Explicit imports: no file globbing at runtime, same list under tsx, vitest and node.
export const migrations = [
  { name: '20261124-initial-schema', class: InitialSchema },
  { name: '20261124-sign-in-and-tokens', class: SignInAndTokens },
  { name: '20261124-federation', class: Federation },
  { name: '20261124-row-estimate', class: RowEstimate },
  { name: '20261124-prehook-runs', class: PrehookRuns },
  { name: '20261124-expiry-indexes', class: ExpiryIndexes },
  { name: '20261202-sign-in-reservations', class: SignInReservations },
  { name: '20261203-signing-key-schedule', class: SigningKeySchedule },
];
