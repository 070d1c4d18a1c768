import { z } from 'zod';

/** Shared field rules for inputs, so every mutation says the same thing about the same kind of value. */
const MAX_JSON_BYTES = 16 * 1024;

export const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
export const email = z.string().trim().toLowerCase().max(254, 'must be at most 254 characters').pipe(z.email('must be an email address'));
export const password = z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters');
export const slug = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit');
export const uuid = z.uuid('must be an id this API issued');
export const jsonObject = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= MAX_JSON_BYTES, `must be at most ${MAX_JSON_BYTES} bytes of JSON`);
export const code = z
  .string()
  .min(1, 'must not be empty')
  .max(256 * 1024, 'must be at most 256 KiB');
