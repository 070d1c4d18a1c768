import { v7 } from 'uuid';

/** Time-ordered UUIDs (v7): new rows append to the primary-key index and id order is creation order. */
export const newId = (): string => v7();
