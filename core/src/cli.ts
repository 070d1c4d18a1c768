// `pnpm tributary <command>`: same environment as the server; works beside a running embedded server.
import { parseArgs } from 'node:util';
import { AdminKeyService } from './admin-keys/admin-key.service.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { runImportCommand, IMPORT_OPTIONS, IMPORT_USAGE } from './imports/import-command.js';
import { createLogger } from './logger.js';
import { purgeExpiredRows } from './maintenance/purge.js';
import { SecretBox } from './secrets/secret-box.js';
import { resolveSecretKey } from './secrets/secret-key.js';
import { SigningKeys } from './tokens/signing-keys.js';
import { ACCESS_TOKEN_TTL_S } from './tokens/token.service.js';

const USAGE = `usage:
  pnpm tributary admin-key create --name NAME   print a new admin key (once; only its hash is stored)
  pnpm tributary admin-key list                 the keys that work: id, name, created, last used
  pnpm tributary admin-key revoke --name NAME   revoke the key of that name (or --id ID); it stops working at once; the last key cannot be revoked
  pnpm tributary migrate                        apply pending database migrations
  pnpm tributary keys rotate                    add the next token signing key: published at once, signing once cached JWKS have expired; the old one stays published until its tokens expire
  pnpm tributary purge                          delete expired tokens, codes, flows and throttle counters now (servers also do it, every TRIBUTARY_PURGE_INTERVAL_MINUTES)
${IMPORT_USAGE}`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, id: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...IMPORT_OPTIONS },
});
const command = positionals.join(' ');
const config = loadConfig();
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');

async function main(): Promise<number> {
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (!['admin-key create', 'admin-key list', 'admin-key revoke', 'migrate', 'keys rotate', 'purge', 'import'].includes(command)) {
    console.error(`unknown command "${command}"\n${USAGE}`);
    return 2;
  }
  if (command === 'admin-key create' && !values.name?.trim()) {
    console.error('--name is required: a name that says who or what uses the key');
    return 2;
  }
  if (command === 'admin-key revoke' && !values.name?.trim() === !values.id?.trim()) {
    console.error('admin-key revoke needs --name NAME or --id ID (see admin-key list)');
    return 2;
  }
  const database = await openDatabase(config, logger);
  try {
    if (command === 'import') {
      return await runImportCommand(database.orm.em.fork(), values);
    } else if (command === 'migrate') {
      console.log('database schema is up to date');
    } else if (command === 'purge') {
      const deleted = await purgeExpiredRows(database.orm.em.fork(), { auditRetentionDays: config.auditRetentionDays });
      for (const [table, count] of Object.entries(deleted)) console.log(`${table}: ${count} deleted`);
    } else if (command === 'keys rotate') {
      const box = new SecretBox(resolveSecretKey(config, logger));
      const { kid, activatesAt } = await new SigningKeys(() => database.orm.em.fork(), box, ACCESS_TOKEN_TTL_S * 1000).rotate();
      console.log(
        `new signing key ${kid} is in the JWKS now and signs from ${activatesAt.toISOString()}; the previous key stays in the JWKS ${ACCESS_TOKEN_TTL_S / 60} minutes longer`,
      );
    } else if (command === 'admin-key list') {
      for (const key of await new AdminKeyService(database.orm.em.fork()).list()) {
        console.log([key.id, key.name, key.createdAt.toISOString(), key.lastUsedAt?.toISOString() ?? 'never used'].join('\t'));
      }
    } else if (command === 'admin-key revoke') {
      return await revokeAdminKey(new AdminKeyService(database.orm.em.fork()), values.name?.trim(), values.id?.trim());
    } else {
      const { key } = await new AdminKeyService(database.orm.em.fork()).create(values.name!.trim());
      console.log(key);
    }
    return 0;
  } finally {
    await database.close();
  }
}

/** Names need not be unique: a name that matches several keys is refused rather than guessed. */
async function revokeAdminKey(keys: AdminKeyService, name: string | undefined, id: string | undefined): Promise<number> {
  const matches = id ? [{ id, name: id }] : await keys.list({ name });
  if (matches.length !== 1) {
    console.error(
      matches.length ? `${matches.length} keys are named "${name}": revoke one with --id (see admin-key list)` : `no working key is named "${name}"`,
    );
    return 1;
  }
  await keys.revoke(matches[0]!.id);
  console.log(`revoked admin key ${matches[0]!.id}`);
  return 0;
}

const code = await main().catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  return 1;
});
process.exit(code);
