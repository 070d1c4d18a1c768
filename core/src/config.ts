import { z } from 'zod';

const csv = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** The environment, validated once at start: a bad value fails fast with the variable's name. */
const EnvSchema = z.object({
  // Internals (messages of unexpected errors) are shown only when development is asked for explicitly.
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  TRIBUTARY_DATA_DIR: z.string().default('./.tributary'),
  TRIBUTARY_EMBEDDED_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  TRIBUTARY_SECRET_KEY: z.string().optional(),
  TRIBUTARY_BOOTSTRAP_ADMIN_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  TRIBUTARY_PLUGINS: csv,
  TRIBUTARY_REDIRECT_URIS: csv,
  TRIBUTARY_TRUST_PROXY: csv,
  TRIBUTARY_PUBLIC_URL: z.url('must be a URL').optional(),
  TRIBUTARY_TOKEN_AUDIENCE: z.string().min(1).default('tributary'),
  TRIBUTARY_APP_CLIENT_ID: z.string().min(1).default('tributary-app'),
  TRIBUTARY_ALLOW_CODE_FLOW_WITHOUT_PKCE: z
    .enum(['true', 'false'], 'must be true or false')
    .default('false')
    .transform((value) => value === 'true'),
  TRIBUTARY_AUDIT_RETENTION_DAYS: z.coerce.number().int('must be a whole number of days').min(0).max(36_500).default(0),
  TRIBUTARY_PURGE_INTERVAL_MINUTES: z.coerce.number().int('must be a whole number of minutes').min(0).max(1440).default(10),
  TRIBUTARY_SIGN_IN_FAILURE_FLOOR_MS: z.coerce.number().int('must be a whole number of milliseconds').min(0).max(3000).default(0),
  TRIBUTARY_BREAKER_FAILURES: z.coerce.number().int('must be a whole number').min(1).max(1000).default(5),
  TRIBUTARY_BREAKER_HALF_OPEN_MS: z.coerce.number().int('must be a whole number of milliseconds').min(100).max(3_600_000).default(10_000),
  // Unset: no metrics listener. 0: any free port (tests).
  TRIBUTARY_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  TRIBUTARY_SHUTDOWN_GRACE_MS: z.coerce.number().int('must be a whole number of milliseconds').min(0).max(600_000).default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRIBUTARY_SMTP_URL: z
    .url('must be a URL')
    .refine((value) => /^smtps?:$/.test(new URL(value).protocol), 'must be smtp://host:port or smtps://user:pass@host:port')
    .optional(),
  TRIBUTARY_MAIL_FROM: z.string().min(3).max(320).default('Tributary <no-reply@localhost>'),
});

export type Env = z.output<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  /** Undefined means the embedded default database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPort: number;
  secretKey: string | undefined;
  bootstrapAdminKey: string | undefined;
  plugins: string[];
  redirectUris: string[];
  logLevel: Env['LOG_LEVEL'];
  /** The URL apps reach this service at: the tokens' `iss`. Defaults to the listening address. */
  publicUrl: string | undefined;
  /** The access tokens' `aud`. */
  tokenAudience: string;
  /** The app's client id: the ID tokens' `aud` (never the access tokens' one) and the access tokens' `client_id`. */
  appClientId: string;
  /** Apps may start a federation flow without a PKCE challenge (off: PKCE is required). */
  allowCodeFlowWithoutPkce: boolean;
  /** Proxies (addresses, CIDRs or `loopback`) whose X-Forwarded-For names the client; none by default. */
  trustProxy: string[];
  /** Audit events older than this many days are purged; 0 keeps them forever. */
  auditRetentionDays: number;
  /** How often each node purges expired rows; 0: never (run `tributary purge` from a scheduler instead). */
  purgeIntervalMinutes: number;
  /** The least time a failed sign-in takes before it is answered (sign-in/failure-floor.ts adapts above it). */
  signInFailureFloorMs: number;
  /** Consecutive outages of a pool's source that open its circuit (pools/pool-breakers.ts). */
  breakerFailures: number;
  /** How long an open circuit refuses calls before a probe. */
  breakerHalfOpenMs: number;
  /** Where `GET /metrics` listens, on 127.0.0.1; undefined: nowhere. */
  metricsPort: number | undefined;
  /** On SIGTERM, how long in-flight requests may take before their connections are cut. */
  shutdownGraceMs: number;
  /** Where mails go (codes of native pools); undefined: nowhere (embedded mode writes them to the log). */
  smtpUrl: string | undefined;
  /** The From of every mail. */
  mailFrom: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${problems}`);
  }
  const env = parsed.data;
  if (env.TRIBUTARY_APP_CLIENT_ID === env.TRIBUTARY_TOKEN_AUDIENCE) {
    // An ID token with the access tokens' audience would pass as one at every API that checks only `aud`.
    throw new ConfigError('invalid environment: TRIBUTARY_APP_CLIENT_ID: must differ from TRIBUTARY_TOKEN_AUDIENCE');
  }
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.TRIBUTARY_DATA_DIR,
    embeddedPort: env.TRIBUTARY_EMBEDDED_PORT,
    secretKey: env.TRIBUTARY_SECRET_KEY,
    bootstrapAdminKey: env.TRIBUTARY_BOOTSTRAP_ADMIN_KEY,
    plugins: env.TRIBUTARY_PLUGINS,
    redirectUris: env.TRIBUTARY_REDIRECT_URIS,
    logLevel: env.LOG_LEVEL,
    publicUrl: env.TRIBUTARY_PUBLIC_URL?.replace(/\/$/, ''),
    tokenAudience: env.TRIBUTARY_TOKEN_AUDIENCE,
    appClientId: env.TRIBUTARY_APP_CLIENT_ID,
    allowCodeFlowWithoutPkce: env.TRIBUTARY_ALLOW_CODE_FLOW_WITHOUT_PKCE,
    trustProxy: env.TRIBUTARY_TRUST_PROXY,
    auditRetentionDays: env.TRIBUTARY_AUDIT_RETENTION_DAYS,
    purgeIntervalMinutes: env.TRIBUTARY_PURGE_INTERVAL_MINUTES,
    signInFailureFloorMs: env.TRIBUTARY_SIGN_IN_FAILURE_FLOOR_MS,
    breakerFailures: env.TRIBUTARY_BREAKER_FAILURES,
    breakerHalfOpenMs: env.TRIBUTARY_BREAKER_HALF_OPEN_MS,
    metricsPort: env.TRIBUTARY_METRICS_PORT,
    shutdownGraceMs: env.TRIBUTARY_SHUTDOWN_GRACE_MS,
    smtpUrl: env.TRIBUTARY_SMTP_URL,
    mailFrom: env.TRIBUTARY_MAIL_FROM,
  };
}
