import type { EntityManager } from '@mikro-orm/postgresql';
import { nativePool } from '../db/transaction.js';
import type { Logger } from '../logger.js';
import { UserPool } from '../pools/pool.entity.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { deleteMail, findMail, markMailFailed } from './mail-outbox.repository.js';
import type { Mailer } from './mailer.js';
import { mailVarsContext } from './outbox.js';
import { isMailTemplateKey, MailTemplateOverrides, renderMail, type MailVars } from './templates.js';

export interface MailDeliveryDeps {
  em: () => EntityManager;
  box: SecretBox;
  mailer: Mailer;
  logger: Logger;
}

/**
 * Sends one outbox mail and deletes its row. A failure is recorded on the row (the transport's error,
 * never the content) and thrown, so pg-boss retries it with backoff; a mail past its expiry is dropped
 * unsent (its code is dead). Logs name the row and template, never the variables.
 */
export async function deliverMail(deps: MailDeliveryDeps, id: string): Promise<void> {
  const db = await nativePool(deps.em());
  const row = await findMail(db, id);
  if (!row) return; // delivered already (a repeated notice or tick)
  if (row.expired || !isMailTemplateKey(row.template)) {
    deps.logger.warn({ mail: id, template: row.template }, row.expired ? 'mail dropped: not delivered before it expired' : 'mail dropped: unknown template');
    await deleteMail(db, id);
    return;
  }
  const vars = JSON.parse(deps.box.open(row.sealedVars, mailVarsContext(id))) as MailVars;
  const pool = row.poolId ? await deps.em().findOne(UserPool, { id: row.poolId }) : null;
  const overrides = MailTemplateOverrides.safeParse(pool?.config.mailTemplates);
  const mail = renderMail(row.template, vars, overrides.success ? overrides.data : undefined);
  try {
    await deps.mailer.send({ to: row.recipient, ...mail });
  } catch (error) {
    deps.logger.warn({ mail: id, template: row.template, err: error }, 'mail not delivered; will retry');
    await markMailFailed(db, id, (error as Error).message);
    throw error;
  }
  await deleteMail(db, id);
}
