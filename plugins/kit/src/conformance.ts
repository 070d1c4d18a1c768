/**
 * The contract every source must keep, as test suites a plugin runs against its real peer
 * (`@tributary/plugin-kit/conformance`; test support, never loaded by the kit's runtime entry).
 */
export { runSourceConformance, type ConformanceOptions } from './conformance/external.js';
export { runFederationConformance, type FederationConformanceOptions } from './conformance/federation.js';
export type { WriteOptions } from './conformance/writes.js';
export { assertIdentity, createTestContext, type CapturedLog, type ConformanceRunner } from './conformance/shared.js';
