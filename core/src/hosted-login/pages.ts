import { readFileSync } from 'node:fs';

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
