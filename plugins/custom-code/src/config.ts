import { destination, secret } from '@tributary/plugin-kit';
import { z } from 'zod';

const MAX_CODE_CHARS = 256 * 1024;
const MAX_ENV_CHARS = 16 * 1024;
/** A DNS name or IPv4 address, or a bracketed IPv6 one, with an optional port: what the sandbox's fetch compares to a URL's host. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export const customCodeConfig = z.object({
  /** An ES module exporting async `authenticate({ email, password })` and `getUser(email)`, optionally `listUsers(cursor)`. */
  code: destination(
    z
      .string({ error: 'code is required: an ES module exporting authenticate and getUser' })
      .min(1, 'code must not be empty')
      .max(MAX_CODE_CHARS, `code must be at most ${MAX_CODE_CHARS / 1024} KiB`),
  ),
  /** Hosts the script's fetch may reach: "api.example.com" (any port) or "10.0.0.5:8080" (that port only). */
  allowedHosts: destination(
    z
      .array(z.string().regex(HOST, 'must be a host name or host:port, such as users.example.com or 10.0.0.5:8080 (no scheme, no path)'))
      .max(50, 'at most 50 hosts'),
  ).default([]),
  /** The script's secrets (API keys...), visible to it as the global `env`; stored encrypted, never shown back. */
  env: secret(
    z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, 'env names are letters, digits and "_", not starting with a digit'), z.string())
      .refine((env) => JSON.stringify(env).length <= MAX_ENV_CHARS, `env must be at most ${MAX_ENV_CHARS / 1024} KiB of JSON`),
  ).optional(),
});

export type CustomCodeConfig = z.output<typeof customCodeConfig>;
