export { definePoolSource, validateConfig, KIT_VERSION, type ConfigIssue, type ConfigValidation } from './define.js';
export { secret, secretFields, destination, destinationFields, DESTINATION_KEYWORD, configJsonSchema, type JsonSchema } from './secret.js';
export { SourceError, SourceUnavailable, isSourceError, type SourceErrorCode, type SourceErrorOptions } from './errors.js';
export { FIREBASE_SCRYPT_BOUNDS, FIREBASE_SCRYPT_PREFIX, formatFirebaseScryptHash, type FirebaseScryptParams } from './password-hashes.js';
export type * from './types.js';
export type * from './services.js';
