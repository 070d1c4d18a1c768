import { readFileSync } from 'node:fs';
import type { PayloadField } from './payload-fields.js';

/**
 * The hosted login's pages: server-rendered HTML that works without JavaScript (none is sent), one
 * stylesheet, a language, labels on every field, the first field focused, and every value escaped.
 * The routes that serve them live in openid-provider/ (the provider's interactions).
 */

export const STYLESHEET_PATH = '/hosted-login/login.css';
export const stylesheet = readFileSync(new URL('./login.css', import.meta.url), 'utf8');

/** The response headers of every page: no framing (clickjacking), no scripts, no referrer leaking the interaction. */
export const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (character) => ESCAPES[character]!);

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Tributary</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface FederationButton {
  /** Where the button's form goes (GET, no body): the interaction's federation start. */
  action: string;
  name: string;
}

export interface PageLink {
  href: string;
  text: string;
}

export interface LoginPage {
  /** The form's target (POST). */
  action: string;
  csrfToken: string;
  /** The app's name, as registered. */
  clientName: string;
  /** What the user typed, kept after an error (never the password). */
  email?: string;
  /** One message that never says whether the account exists. */
  error?: string;
  federation: FederationButton[];
  links: PageLink[];
  /** Leave without signing in: the app receives `access_denied`. */
  cancelAction: string;
}

export function loginPage(page: LoginPage): string {
  const error = page.error ? `<p class="error" role="alert" id="form-error">${escapeHtml(page.error)}</p>` : '';
  const describedBy = page.error ? ' aria-describedby="form-error"' : '';
  // The field to fix gets the focus: the password after an error (the email is kept), else the email.
  const focusEmail = !page.email;
  const federation = page.federation.length
    ? `<p class="divider">or</p>
${page.federation
  .map(
    (idp) =>
      `<form method="get" action="${escapeHtml(idp.action)}"><input type="hidden" name="csrf" value="${escapeHtml(page.csrfToken)}"><button type="submit" class="secondary">Continue with ${escapeHtml(idp.name)}</button></form>`,
  )
  .join('\n')}`
    : '';
  const links = page.links.length
    ? `<nav class="links" aria-label="Other ways to sign in">${page.links.map((link) => `<a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a>`).join('')}</nav>`
    : '';
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p class="lead">to continue to ${escapeHtml(page.clientName)}</p>
${error}
<form method="post" action="${escapeHtml(page.action)}" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(page.csrfToken)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="${escapeHtml(page.email ?? '')}"${describedBy}${focusEmail ? ' autofocus' : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${describedBy}${focusEmail ? '' : ' autofocus'}>
<button type="submit">Sign in</button>
</form>
${federation}
${links}
<form method="post" action="${escapeHtml(page.cancelAction)}">
<input type="hidden" name="csrf" value="${escapeHtml(page.csrfToken)}">
<button type="submit" class="link">Cancel and go back to ${escapeHtml(page.clientName)}</button>
</form>`,
  );
}

/** A page that explains and stops (an expired or unknown sign-in, a refused form). */
export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p class="lead" role="alert">${escapeHtml(message)}</p>`);
}

/** RP-initiated logout's confirmation: `form` is oidc-provider's own (with its CSRF field), the buttons submit it. */
export function logoutPage(form: string, clientName: string | undefined): string {
  return layout(
    'Sign out',
    `<h1>Sign out</h1>
<p class="lead">${clientName ? `${escapeHtml(clientName)} asks to sign you out of Tributary.` : 'Do you want to sign out of Tributary?'}</p>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" class="secondary" form="op.logoutForm">No, stay signed in</button>`,
  );
}

/** A message with a way on (after a registration: back to the sign-in). */
export function noticePage(title: string, message: string, link: PageLink): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>\n<p class="lead" role="status">${escapeHtml(message)}</p>\n<p><a class="button" href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>`,
  );
}

export interface RegisterPage {
  action: string;
  csrfToken: string;
  poolName: string;
  fields: PayloadField[];
  values: Record<string, string>;
  /** Messages by field name (`email`, `password`, `payload.<name>`), or `form` for the whole form. */
  errors: Record<string, string>;
  back: PageLink;
}

function fieldHtml(id: string, label: string, control: string, error: string | undefined, hint?: string): string {
  const hintHtml = hint ? `<p class="hint" id="${id}-hint">${escapeHtml(hint)}</p>` : '';
  const errorHtml = error ? `<p class="field-error" id="${id}-error">${escapeHtml(error)}</p>` : '';
  return `<label for="${id}">${escapeHtml(label)}</label>\n${hintHtml}${errorHtml}${control}`;
}

function describedBy(id: string, error: string | undefined, hint?: string): string {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return `${ids.length ? ` aria-describedby="${ids.join(' ')}"` : ''}${error ? ' aria-invalid="true"' : ''}`;
}

function payloadControl(field: PayloadField, value: string, error: string | undefined): string {
  const id = `payload-${field.name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const name = `payload.${field.name}`;
  const required = field.required ? ' required' : '';
  const aria = describedBy(id, error, field.description);
  const label = `${field.label}${field.required ? '' : ' (optional)'}`;
  if (field.kind === 'checkbox') {
    return `<p class="check"><input type="checkbox" id="${id}" name="${escapeHtml(name)}"${value === 'on' ? ' checked' : ''}${aria}> <label for="${id}">${escapeHtml(field.label)}</label></p>${
      error ? `<p class="field-error" id="${id}-error">${escapeHtml(error)}</p>` : ''
    }`;
  }
  if (field.kind === 'select') {
    const options = ['', ...(field.options ?? [])]
      .map((option) => `<option value="${escapeHtml(option)}"${option === value ? ' selected' : ''}>${escapeHtml(option || 'Choose…')}</option>`)
      .join('');
    return fieldHtml(id, label, `<select id="${id}" name="${escapeHtml(name)}"${required}${aria}>${options}</select>`, error, field.description);
  }
  const type = field.kind === 'number' ? 'number' : field.kind;
  return fieldHtml(
    id,
    label,
    `<input type="${type}" id="${id}" name="${escapeHtml(name)}" value="${escapeHtml(value)}"${required}${aria}>`,
    error,
    field.description,
  );
}

/** Registration in a NATIVE pool that allows it: email, password, then the pool's payload fields. */
export function registerPage(page: RegisterPage): string {
  const { errors, values } = page;
  const formError = errors.form ? `<p class="error" role="alert">${escapeHtml(errors.form)}</p>` : '';
  const summary = !errors.form && Object.keys(errors).length ? `<p class="error" role="alert">Check the fields marked below.</p>` : '';
  return layout(
    'Create an account',
    `<h1>Create an account</h1>
<p class="lead">in ${escapeHtml(page.poolName)}</p>
${formError}${summary}
<form method="post" action="${escapeHtml(page.action)}" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(page.csrfToken)}">
${fieldHtml('email', 'Email', `<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${escapeHtml(values.email ?? '')}"${describedBy('email', errors.email)} autofocus>`, errors.email)}
${fieldHtml('password', 'Password', `<input id="password" name="password" type="password" autocomplete="new-password" required maxlength="1024"${describedBy('password', errors.password, 'At least 8 characters; a long phrase is best.')}>`, errors.password, 'At least 8 characters; a long phrase is best.')}
${page.fields.map((field) => payloadControl(field, values[`payload.${field.name}`] ?? '', errors[`payload.${field.name}`])).join('\n')}
<button type="submit">Create account</button>
</form>
<nav class="links"><a href="${escapeHtml(page.back.href)}">${escapeHtml(page.back.text)}</a></nav>`,
  );
}

export interface CodePage {
  title: string;
  lead: string;
  action: string;
  csrfToken: string;
  email: string;
  error?: string;
  submit: string;
  back: PageLink;
  /** A new password goes with the code (a password reset); its own error, if any. */
  newPassword?: { error?: string };
}

/** A page asking only for an email address (to mail a code to). */
export function emailPage(page: { title: string; lead: string; action: string; csrfToken: string; submit: string; back: PageLink }): string {
  return layout(
    page.title,
    `<h1>${escapeHtml(page.title)}</h1>
<p class="lead">${escapeHtml(page.lead)}</p>
<form method="post" action="${escapeHtml(page.action)}" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(page.csrfToken)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254" autofocus>
<button type="submit">${escapeHtml(page.submit)}</button>
</form>
<nav class="links"><a href="${escapeHtml(page.back.href)}">${escapeHtml(page.back.text)}</a></nav>`,
  );
}

/** A form for a mailed one-time code (activation, password reset). */
export function codePage(page: CodePage): string {
  const error = page.error ? `<p class="error" role="alert" id="code-error">${escapeHtml(page.error)}</p>` : '';
  return layout(
    page.title,
    `<h1>${escapeHtml(page.title)}</h1>
<p class="lead">${escapeHtml(page.lead)}</p>
${error}
<form method="post" action="${escapeHtml(page.action)}" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(page.csrfToken)}">
<input type="hidden" name="email" value="${escapeHtml(page.email)}">
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="32"${page.error ? ' aria-describedby="code-error" aria-invalid="true"' : ''} autofocus>
${
  page.newPassword
    ? fieldHtml(
        'new-password',
        'New password',
        `<input id="new-password" name="newPassword" type="password" autocomplete="new-password" required maxlength="1024"${describedBy('new-password', page.newPassword.error, 'At least 8 characters; a long phrase is best.')}>`,
        page.newPassword.error,
        'At least 8 characters; a long phrase is best.',
      )
    : ''
}
<button type="submit">${escapeHtml(page.submit)}</button>
</form>
<nav class="links"><a href="${escapeHtml(page.back.href)}">${escapeHtml(page.back.text)}</a></nav>`,
  );
}
