/**
 * @tributary/core as a package: what the entry points, the test suite and the benchmarks use. Anything
 * not exported here is internal to core and may move without notice.
 */
// Running the service.
export { startApp, type RunningApp, type StartOptions } from './server/app.js';
export { loadConfig, type Config } from './config.js';
export { createLogger, type Logger } from './logger.js';
export { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
export { createOrm } from './db/orm.js';
export { printAdminSchema, SCHEMA_FILE } from './server/print-schema.js';

// Operations and observation.
export { purgeExpiredRows, PURGE_BATCH } from './maintenance/purge.js';
export { JOBS_SCHEMA, QUEUES } from './jobs/job-queue.js';
export { signInTimings, type SignInTiming } from './sign-in/timings.js';

// Data and formats that tools (benchmarks, imports) and tests work with.
export { newId } from './ids.js';
export { USER_STATUSES, type UserStatus } from './users/user.entity.js';
export { bulkInsertUsers, BULK_BATCH_SIZE, type BulkUser } from './users/user-merge.repository.js';
export { openSecrets } from './pools/pool-config.js';
export { hashPassword, verifyArgon2 } from './passwords/argon2id.js';
export { verifyPassword } from './passwords/verifier.js';
export { importFile, type FileImportOptions, type FileImportResult } from './imports/file-import.js';
export { Progress } from './imports/progress.js';
export { FIREBASE_SCRYPT_BOUNDS, firebaseScrypt, formatFirebaseScryptHash, type FirebaseScryptParams } from './passwords/firebase-scrypt.js';
