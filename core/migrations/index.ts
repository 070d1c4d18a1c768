import { InitialSchema } from './20261124-01-initial-schema.js';
import { SignInAndTokens } from './20261124-02-sign-in-and-tokens.js';
import { Federation } from './20261124-03-federation.js';
import { RowEstimate } from './20261124-04-row-estimate.js';
import { PrehookRuns } from './20261124-05-prehook-runs.js';
import { ExpiryIndexes } from './20261124-06-expiry-indexes.js';
import { SignInReservations } from './20261202-01-sign-in-reservations.js';
import { SigningKeySchedule } from './20261203-01-signing-key-schedule.js';
import { WriteBackOutbox } from './20261202-02-write-back-outbox.js';
import { PoolJobs } from './20261203-02-pool-jobs.js';
import { NativePools } from './20261204-01-native-pools.js';
import { RefreshTokenClaims } from './20261205-01-refresh-token-claims.js';
import { OpenIdProvider } from './20261206-01-openid-provider.js';
import { WriteBackRejected } from './20261207-01-write-back-rejected.js';
import { MigratedExternalId } from './20261208-01-migrated-external-id.js';
import { RefreshTokenRevokedFamilies } from './20261208-02-refresh-token-revoked-families.js';
import { LeanerUserIndexes } from './20261208-03-leaner-user-indexes.js';

/**
 * Every migration, in run order, which is also the order of the file names (date, then a sequence
 * number within the day). Explicit imports: no file globbing at runtime, same list under tsx, vitest
 * and node. `name` is what a database records as applied: the first six keep the names they were
 * released under (their files gained the sequence number later), so databases migrated before do
 * not run them again. New migrations take their file name.
 */
export const migrations = [
  { name: '20261124-initial-schema', class: InitialSchema },
  { name: '20261124-sign-in-and-tokens', class: SignInAndTokens },
  { name: '20261124-federation', class: Federation },
  { name: '20261124-row-estimate', class: RowEstimate },
  { name: '20261124-prehook-runs', class: PrehookRuns },
  { name: '20261124-expiry-indexes', class: ExpiryIndexes },
  { name: '20261202-01-sign-in-reservations', class: SignInReservations },
  { name: '20261203-01-signing-key-schedule', class: SigningKeySchedule },
  { name: '20261203-02-pool-jobs', class: PoolJobs },
  { name: '20261202-02-write-back-outbox', class: WriteBackOutbox },
  { name: '20261204-01-native-pools', class: NativePools },
  { name: '20261205-01-refresh-token-claims', class: RefreshTokenClaims },
  { name: '20261206-01-openid-provider', class: OpenIdProvider },
  { name: '20261207-01-write-back-rejected', class: WriteBackRejected },
  { name: '20261208-01-migrated-external-id', class: MigratedExternalId },
  { name: '20261208-02-refresh-token-revoked-families', class: RefreshTokenRevokedFamilies },
  { name: '20261208-03-leaner-user-indexes', class: LeanerUserIndexes },
];
