import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';

// What the browser suites share: a real headless Chromium (Debian's, driven by playwright-core), small sites of static
// pages on loopback to call the gateway from, and the pages themselves.

/** Debian's chromium; CHROMIUM_PATH points elsewhere (or nowhere, to see the skip). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * A describe that needs Chromium: run where it is installed, and always in CI (CI=true), where its absence fails every
 * test of it (launchChromium throws); elsewhere skipped, saying why.
 */
export function describeWithChromium(title: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH) || process.env.CI === 'true') return describe(title, body);
  console.warn(`SKIPPED "${title}": no Chromium at ${CHROMIUM_PATH} (apt-get install chromium; in CI, CI=true, this fails instead)`);
  describe.skip(`${title} [skipped: no Chromium at ${CHROMIUM_PATH}]`, body);
}

/** A fresh headless Chromium; playwright gives it a temporary profile of its own and deletes it on close. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: the browser tests cannot run, and with CI=true they must (install Debian's chromium)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A site of static HTML pages, listening on 127.0.0.1 (ephemeral port) and named by `hostname` in its origin. */
export interface PageSite {
  readonly origin: string;
  /** Pages by path; a test may add one at any time. */
  readonly pages: Map<string, string>;
  url(path: string): string;
  close(): Promise<void>;
}

/** `127.0.0.1` and `localhost` on two ports are two origins and two sites to the browser. */
export async function startPageSite(hostname: '127.0.0.1' | 'localhost', pages: Record<string, string> = {}): Promise<PageSite> {
  const site = new Map(Object.entries(pages));
  const server = createServer((request, response) => {
    const page = site.get(new URL(request.url ?? '/', 'http://site').pathname);
    response.writeHead(page === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(page ?? 'no such page');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://${hostname}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pages: site,
    url: (path: string) => `${origin}${path}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/**
 * A page of a site that uses the gateway from the browser: `listImages(gateway, key)` fetches `/images?limit=2` with
 * the key as a bearer and resolves to what the page could see (status, item count, two headers), or to the error.
 */
export const CALLER_PAGE = `<!doctype html><title>caller</title><script>
async function listImages(gateway, key) {
  try {
    const response = await fetch(gateway + '/images?limit=2', { headers: { Authorization: 'Bearer ' + key } });
    const body = await response.json();
    return { status: response.status, items: body.items.length, requestId: response.headers.get('X-Request-Id'), referrerPolicy: response.headers.get('Referrer-Policy') };
  } catch (error) {
    return { error: error.name + ': ' + error.message };
  }
}
</script>`;

/** A page with one form posting `fields` (raw name and value attributes) to `action` with `enctype`, and its button. */
export function formPage(action: string, enctype: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields).map(([name, value]) => `<input type="hidden" name='${name}' value='${value}'>`).join('');
  return `<!doctype html><title>form</title><form method="POST" action="${action}" enctype="${enctype}">${inputs}<button type="submit">go</button></form>`;
}

/** Records CSP violations from the first script of every document of a page, into `window.cspViolations`. */
export const RECORD_CSP_VIOLATIONS = `window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));`;

/** The Access-Control-* headers of an answer, by name. */
export function accessControlHeaders(headers: Headers): Record<string, string> {
  return Object.fromEntries([...headers].filter(([name]) => name.startsWith('access-control-')));
}
