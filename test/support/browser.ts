import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (installed by .ci/run when missing); never a browser download. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * One headless browser for a test file (start it in beforeAll, close it in afterAll): launching
 * costs about a second, a new context (fresh cookies) a few milliseconds.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A fresh context (no cookies: a new user at a new browser) and its page. */
export async function freshPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  return { context, page: await context.newPage() };
}

/**
 * Follows the page until the browser is sent to a URL starting with `prefix` (an app's redirect URI
 * nobody listens on) and returns that URL without loading it.
 */
export async function captureRedirect(page: Page, prefix: string, action: () => Promise<unknown>): Promise<URL> {
  let resolve!: (url: URL) => void;
  const captured = new Promise<URL>((done) => (resolve = done));
  await page.route(`${prefix}**`, async (route) => {
    resolve(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'the app got it' });
  });
  try {
    await action();
    return await captured;
  } finally {
    await page.unroute(`${prefix}**`);
  }
}
