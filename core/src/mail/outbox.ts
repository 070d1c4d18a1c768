import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../ids.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { insertMail } from './mail-outbox.repository.js';
import type { MailTemplateKey, MailVars } from './templates.js';

export interface QueuedMail {
  to: string;
  template: MailTemplateKey;
  /** The native pool whose templates (config.mailTemplates) apply; none: the defaults. */
  poolId?: string | null;
  vars: MailVars;
  /** A mail not delivered by then is dropped (a code mail: the code's lifetime). Default: a day. */
  ttlMinutes?: number;
}

const DEFAULT_TTL_MINUTES = 24 * 60;

/** Associated data of an outbox row's sealed variables: they open for that row only. */
export const mailVarsContext = (id: string): string => `mail:${id}:vars`;

/**
 * Queues a mail in the caller's transaction (`em`'s, when it has one; else on its own): it exists if
 * and only if what it tells about was committed, and sending never holds the request. The delivery job
 * is woken by a notice PostgreSQL sends at the commit (and the minute tick finds any whose notice was
 * lost); it renders the template, sends over SMTP with retries, and deletes the row. The variables
 * (codes) are sealed with the secrets key, bound to the row: the database alone never shows a live code.
 */
export async function queueMail(em: EntityManager, mail: QueuedMail, box: SecretBox): Promise<string> {
  const id = newId();
  await insertMail(em, {
    id,
    poolId: mail.poolId ?? null,
    recipient: mail.to,
    template: mail.template,
    sealedVars: box.seal(JSON.stringify(mail.vars), mailVarsContext(id)),
    ttlSeconds: Math.round((mail.ttlMinutes ?? DEFAULT_TTL_MINUTES) * 60),
  });
  return id;
}
