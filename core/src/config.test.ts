import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { resolveSecretKey } from './secrets/secret-key.js';

describe('loadConfig', () => {
  it('applies defaults for the embedded mode', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      databaseUrl: undefined,
      dataDir: './.tributary',
      plugins: [],
      redirectUris: [],
      auditRetentionDays: 0,
      allowCodeFlowWithoutPkce: false,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ TRIBUTARY_BOOTSTRAP_ADMIN_KEY: 'short' })).toThrow(/TRIBUTARY_BOOTSTRAP_ADMIN_KEY/);
    expect(() => loadConfig({ TRIBUTARY_AUDIT_RETENTION_DAYS: '1.5' })).toThrow(/TRIBUTARY_AUDIT_RETENTION_DAYS: must be a whole number of days/);
    expect(() => loadConfig({ TRIBUTARY_AUDIT_RETENTION_DAYS: '-1' })).toThrow(/TRIBUTARY_AUDIT_RETENTION_DAYS/);
    expect(() => loadConfig({ TRIBUTARY_APP_CLIENT_ID: 'tributary' })).toThrow(/TRIBUTARY_APP_CLIENT_ID: must differ from TRIBUTARY_TOKEN_AUDIENCE/);
    expect(() => loadConfig({ TRIBUTARY_ALLOW_CODE_FLOW_WITHOUT_PKCE: 'yes' })).toThrow(/TRIBUTARY_ALLOW_CODE_FLOW_WITHOUT_PKCE: must be true or false/);
  });

  it('refuses to run against DATABASE_URL without a secrets key, and refuses a key of the wrong size', () => {
    const logger = createLogger('silent');
    expect(() => resolveSecretKey(loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/db' }), logger)).toThrow(ConfigError);
    expect(() => resolveSecretKey(loadConfig({ TRIBUTARY_SECRET_KEY: Buffer.alloc(16).toString('base64') }), logger)).toThrow(/32 bytes/);
  });
});
