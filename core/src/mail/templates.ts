import { z } from 'zod';

/**
 * The mails the service sends, each a subject, a plain-text and an HTML body with `{{name}}` placeholders.
 * An admin overrides any of the three per template in a native pool's config (`mailTemplates`). Values
 * are escaped for HTML in the HTML body; an unknown placeholder renders empty.
 */
export const MAIL_TEMPLATE_KEYS = ['activation', 'registration-attempt', 'password-reset', 'otp-sign-in'] as const;
export type MailTemplateKey = (typeof MAIL_TEMPLATE_KEYS)[number];

export interface MailTemplate {
  subject: string;
  text: string;
  html: string;
}

/** Values a template may use. `code` and `expiresInMinutes` in the mails that carry a code. */
export type MailVars = Record<string, string | number>;

const DEFAULTS: Record<MailTemplateKey, MailTemplate> = {
  activation: {
    subject: 'Your activation code',
    text: 'Your activation code is {{code}}.\n\nIt expires in {{expiresInMinutes}} minutes. If you did not sign up with {{email}}, ignore this mail.\n',
    html: '<p>Your activation code is <strong>{{code}}</strong>.</p><p>It expires in {{expiresInMinutes}} minutes. If you did not sign up with {{email}}, ignore this mail.</p>',
  },
  'registration-attempt': {
    subject: 'Someone tried to register with your email',
    text: 'Someone tried to create an account with {{email}}, which already has one. If it was you, sign in instead (or reset your password). If not, you can ignore this mail: nothing changed.\n',
    html: '<p>Someone tried to create an account with {{email}}, which already has one.</p><p>If it was you, sign in instead (or reset your password). If not, you can ignore this mail: nothing changed.</p>',
  },
  'password-reset': {
    subject: 'Your password reset code',
    text: 'Your password reset code is {{code}}.\n\nIt expires in {{expiresInMinutes}} minutes. If you did not ask to reset the password of {{email}}, ignore this mail.\n',
    html: '<p>Your password reset code is <strong>{{code}}</strong>.</p><p>It expires in {{expiresInMinutes}} minutes. If you did not ask to reset the password of {{email}}, ignore this mail.</p>',
  },
  'otp-sign-in': {
    subject: 'Your sign-in code',
    text: 'Your sign-in code is {{code}}.\n\nIt expires in {{expiresInMinutes}} minutes. If you did not try to sign in as {{email}}, ignore this mail.\n',
    html: '<p>Your sign-in code is <strong>{{code}}</strong>.</p><p>It expires in {{expiresInMinutes}} minutes. If you did not try to sign in as {{email}}, ignore this mail.</p>',
  },
};

const part = z.string().min(1).max(20_000);
/** A native pool's `mailTemplates`: per template key, any of subject, text, html (the rest stay the defaults). */
export const MailTemplateOverrides = z.partialRecord(
  z.enum(MAIL_TEMPLATE_KEYS),
  z.strictObject({ subject: z.string().min(1).max(300).optional(), text: part.optional(), html: part.optional() }),
);
export type MailTemplateOverrides = z.infer<typeof MailTemplateOverrides>;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);

function fill(template: string, vars: MailVars, escape: (value: string) => string): string {
  return template.replace(/\{\{\s*([\w-]+)\s*\}\}/g, (_, name: string) => (Object.hasOwn(vars, name) ? escape(String(vars[name])) : ''));
}

/** The mail for `key`: the pool's override of each part where it has one, the default elsewhere. */
export function renderMail(key: MailTemplateKey, vars: MailVars, overrides?: MailTemplateOverrides): MailTemplate {
  const template = { ...DEFAULTS[key], ...overrides?.[key] };
  // Header injection: a subject is one line whatever the values.
  const subject = fill(template.subject, vars, (value) => value).replace(/[\r\n]+/g, ' ');
  return { subject, text: fill(template.text, vars, (value) => value), html: fill(template.html, vars, escapeHtml) };
}

export const isMailTemplateKey = (value: string): value is MailTemplateKey => (MAIL_TEMPLATE_KEYS as readonly string[]).includes(value);
