import { gzipSync } from 'node:zlib';
import { PROBLEMS } from '@images/core';
import type { Browser, Page } from 'playwright-core';
import type { RunningSim } from '../apps/vendor-sim/src';
import { CALLER_PAGE, PageSite, RECORD_CSP_VIOLATIONS, accessControlHeaders, describeWithChromium, formPage, launchChromium, startPageSite } from './support/browser';
import { CALLERS, bearer, callersEnv } from './support/callers';
import { FakeProvider, fakeRegistrations } from './support/fake-provider';
import { Gateway, startGateway, startSim } from './support/stack';
import { eventually } from './support/suite-setup';

// API.md section 8 (Browsers), end to end: CORS for the allowed origin only, helmet's headers on every answer, JSON-only
// bodies against cross-site forms, and Swagger UI under its own CSP, over plain HTTP and from a real headless Chromium.

const ALLOWED_REQUEST_HEADERS = ['Authorization', 'X-Api-Key', 'Content-Type', 'Idempotency-Key', 'If-None-Match', 'X-Request-Id', 'Cache-Control', 'Prefer'];
const EXPOSED_HEADERS = ['Location', 'ETag', 'X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'Idempotent-Replayed', 'Cache-Status', 'Preference-Applied'];
/** A share on the fake provider: what a cross-site form would like to do. */
const SHARE_PATH = '/images/fake:small/shares';

let sim: RunningSim;
/** The page sites: `allowed` (127.0.0.1) is the one origin CORS_ORIGINS lists, `other` (localhost) is another site. */
let allowed: PageSite;
let other: PageSite;
/** Callers with keys, CORS_ORIGINS = the allowed site, DOCS_PUBLIC=true. */
let gateway: Gateway;
/** Callers with keys and no CORS_ORIGINS. */
let noCors: Gateway;
/** The in-memory fake provider with no caller checks: only the JSON-only rule stands between a form and a write. */
let writable: Gateway;
let fake: FakeProvider;

beforeAll(async () => {
  sim = await startSim();
  allowed = await startPageSite('127.0.0.1', { '/': CALLER_PAGE });
  other = await startPageSite('localhost', { '/': CALLER_PAGE });
  gateway = await startGateway(sim, { redis: false, env: callersEnv({ CORS_ORIGINS: allowed.origin, DOCS_PUBLIC: 'true' }) });
  noCors = await startGateway(sim, { redis: false, env: callersEnv() });
  const fakes = fakeRegistrations();
  writable = await startGateway(sim, { redis: false, registrations: fakes.registrations, env: { FAKE_PROVIDERS: '1', AUTH_DISABLED: 'true', CORS_ORIGINS: allowed.origin } });
  fake = fakes.instances.fake!;
});

afterAll(async () => {
  // A top-level hook runs after the wire check's own, so a gateway's drift throws from close(): close the rest first.
  const drifts: unknown[] = [];
  for (const gw of [gateway, noCors, writable]) await gw?.close().catch((error: unknown) => drifts.push(error));
  await allowed?.close();
  await other?.close();
  await sim?.close();
  if (drifts.length > 0) throw drifts[0];
});

/** A request whose body is read to its end (the socket is then free); the answer's status and headers. */
async function send(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const preflight = (gw: Gateway, origin: string) =>
  send(`${gw.url}/images`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
const readImages = (gw: Gateway, origin?: string) => send(`${gw.url}/images?limit=2`, { headers: { ...bearer(CALLERS.reader), ...(origin ? { origin } : {}) } });
const postShareAs = (contentType: string, body: string) => send(`${writable.url}${SHARE_PATH}`, { method: 'POST', headers: { 'content-type': contentType }, body });
const listed = (value: string | null) => (value ?? '').split(',').map((item) => item.trim().toLowerCase()).filter(Boolean).sort();
const lower = (names: string[]) => names.map((name) => name.toLowerCase()).sort();

describe('CORS and browser headers over plain HTTP', () => {
  it('answers a preflight from the allowed origin 204 with that origin, the allowed methods and the allowed headers', async () => {
    const answer = await preflight(gateway, allowed.origin);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(allowed.origin);
    expect(listed(answer.headers.get('access-control-allow-methods'))).toEqual(expect.arrayContaining(['get', 'post', 'patch', 'delete']));
    expect(listed(answer.headers.get('access-control-allow-headers'))).toEqual(lower(ALLOWED_REQUEST_HEADERS));
    // Keys travel in headers, never cookies.
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(listed(answer.headers.get('vary'))).toContain('origin');
  });

  it('answers a GET with a read key from the allowed origin 200, with that origin and the contract\'s exposed headers', async () => {
    const answer = await readImages(gateway, allowed.origin);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).items).toHaveLength(2);
    expect(answer.headers.get('access-control-allow-origin')).toBe(allowed.origin);
    expect(listed(answer.headers.get('access-control-expose-headers'))).toEqual(lower(EXPOSED_HEADERS));
  });

  it('never lets another origin read: no Access-Control-Allow-Origin on its preflight or its GET', async () => {
    const [answeredPreflight, answeredGet] = [await preflight(gateway, other.origin), await readImages(gateway, other.origin)];
    expect(answeredGet.status).toBe(200);
    expect(answeredPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(answeredGet.headers.get('access-control-allow-origin')).toBeNull();
  });

  // The contract: "Other origins get no Access-Control-* header" (not only no Allow-Origin).
  it('answers a preflight from another origin with no Access-Control-* header at all', async () => {
    expect(accessControlHeaders((await preflight(gateway, other.origin)).headers)).toEqual({});
  });

  it('answers a GET from another origin with no Access-Control-* header at all', async () => {
    expect(accessControlHeaders((await readImages(gateway, other.origin)).headers)).toEqual({});
  });

  it('answers no Access-Control-* header at all without CORS_ORIGINS, even to an origin another gateway allows', async () => {
    const answeredPreflight = await preflight(noCors, allowed.origin);
    const answeredGet = await readImages(noCors, allowed.origin);
    expect(answeredGet.status).toBe(200);
    expect({ preflight: accessControlHeaders(answeredPreflight.headers), get: accessControlHeaders(answeredGet.headers) }).toEqual({ preflight: {}, get: {} });
  });

  it.each<[string, number, () => ReturnType<typeof send>]>([
    ['a list', 200, () => readImages(gateway, allowed.origin)],
    ['a list without CORS', 200, () => readImages(noCors)],
    ['no credentials', 401, () => send(`${gateway.url}/images`)],
    ['an unknown route', 404, () => send(`${gateway.url}/no-such-route`, { headers: bearer(CALLERS.reader) })],
    ['a preflight', 204, () => preflight(gateway, allowed.origin)],
    ['a text/plain body', 415, () => postShareAs('text/plain', '{"userIds":["u1"]}')],
    ['a download', 200, () => send(`${writable.url}/images/fake:small/file`)],
  ])('puts nosniff, no-referrer and the API CSP on every answer: %s (%d)', async (_label, status, request) => {
    const answer = await request();
    expect(answer.status).toBe(status);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(answer.headers.get('content-security-policy')).not.toContain('script-src');
  });

  it('serves a download as an attachment', async () => {
    const answer = await send(`${writable.url}/images/fake:small/file`);
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment\b/);
  });

  it('refuses every non-JSON body 415 UNSUPPORTED_MEDIA_TYPE before the provider is called (a compressed one too)', async () => {
    const gzipped = await send(`${writable.url}${SHARE_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync('{"userIds":["u1"]}') });
    const refused = [await postShareAs('application/x-www-form-urlencoded', 'userIds=u1'), await postShareAs('text/plain', '{"userIds":["u1"]}'), gzipped];
    expect(refused.map((answer) => [answer.status, JSON.parse(answer.text).code])).toEqual([[415, 'UNSUPPORTED_MEDIA_TYPE'], [415, 'UNSUPPORTED_MEDIA_TYPE'], [415, 'UNSUPPORTED_MEDIA_TYPE']]);
    expect(fake.calls.shareImage).toBeUndefined();
  });

  it('serves /docs and /docs-json without credentials under DOCS_PUBLIC, /docs with a CSP that lets Swagger UI run', async () => {
    const [docs, document] = [await send(`${gateway.url}/docs`), await send(`${gateway.url}/docs-json`)];
    expect([docs.status, document.status]).toEqual([200, 200]);
    const csp = docs.headers.get('content-security-policy');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    // DOCS_PUBLIC is what opened them: the gateway without it wants a key.
    expect((await send(`${noCors.url}/docs`)).status).toBe(401);
  });
});

/** The access lines the gateway wrote since line `from` for `path`, as "METHOD status". */
function accessLines(gw: Gateway, from: number, path: string): string[] {
  return gw.logs.slice(from).map((line) => JSON.parse(line) as { msg?: string; url?: string; method?: string; status?: number; reqId?: string })
    .filter((entry) => entry.msg === 'request' && entry.url === path).map((entry) => `${entry.method} ${entry.status} ${entry.reqId}`);
}

describeWithChromium('from a real headless Chromium', () => {
  let browser: Browser;
  const pages: Page[] = [];
  const open = async (url: string, setUp?: (page: Page) => Promise<void>): Promise<Page> => {
    const page = await browser.newPage();
    pages.push(page);
    await setUp?.(page);
    await page.goto(url);
    return page;
  };
  const listImagesFrom = (page: Page) => page.evaluate(([url, key]) => (globalThis as any).listImages(url, key), [gateway.url, CALLERS.reader.key]);

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lets a page on the allowed origin list images with a bearer key (after a preflight) and read the exposed X-Request-Id only', async () => {
    const from = gateway.logs.length;
    const result = await listImagesFrom(await open(allowed.url('/')));
    // Referrer-Policy is on the answer but not exposed: the page cannot read it.
    expect(result).toEqual({ status: 200, items: 2, requestId: expect.any(String), referrerPolicy: null });
    const lines = await eventually(async () => accessLines(gateway, from, '/images?limit=2'), (found) => found.length >= 2);
    expect(lines.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['OPTIONS 204', 'GET 200']);
    expect(lines[1]).toBe(`GET 200 ${result.requestId}`);
  });

  it('makes the same script fail on another origin: the fetch rejects with a TypeError and the GET never reaches the gateway', async () => {
    const from = gateway.logs.length;
    const result = await listImagesFrom(await open(other.url('/')));
    expect(result).toEqual({ error: expect.stringMatching(/^TypeError: /) });
    const lines = await eventually(async () => accessLines(gateway, from, '/images?limit=2'), (found) => found.length >= 1);
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['OPTIONS']);
  });

  it.each<[string, Record<string, string>]>([
    ['application/x-www-form-urlencoded', { userIds: 'attacker' }],
    // The classic trick: a text/plain form whose one field makes the body valid JSON ({"userIds":["attacker"],"pad":"="}).
    ['text/plain', { '{"userIds":["attacker"],"pad":"': '"}' }],
    ['multipart/form-data', { userIds: 'attacker' }],
  ])('refuses a form on another site posting a share as %s: the browser gets 415 and the provider sees no write', async (enctype, fields) => {
    other.pages.set('/form', formPage(`${writable.url}${SHARE_PATH}`, enctype, fields));
    const page = await open(other.url('/form'));
    const [response] = await Promise.all([
      page.waitForResponse((answer) => answer.url() === `${writable.url}${SHARE_PATH}` && answer.request().method() === 'POST'),
      page.click('button'),
    ]);
    expect(response.request().headers()['content-type']).toContain(enctype);
    expect(response.status()).toBe(415);
    expect(JSON.parse(await response.text())).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(fake.calls.shareImage).toBeUndefined();
  });

  it('lets the same share through as JSON: the content type alone stopped the forms', async () => {
    const answer = await postShareAs('application/json', '{"userIds":["attacker"]}');
    expect(answer.status).toBe(201);
    expect(fake.calls.shareImage).toBe(1);
  });

  it('renders Swagger UI at /docs under its CSP with no violation, and the CSP refuses an inline script', async () => {
    const messages: string[] = [];
    const page = await open(`${gateway.url}/docs`, async (opened) => {
      opened.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
      opened.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`));
      await opened.addInitScript(RECORD_CSP_VIOLATIONS);
    });
    await page.waitForSelector('.opblock', { timeout: 15_000 });
    expect(await page.locator('.information-container .title').textContent()).toContain('images-gateway');
    expect({ violations: await page.evaluate(() => (globalThis as any).cspViolations), console: messages.filter((line) => /security policy|error/i.test(line)) })
      .toEqual({ violations: [], console: [] });

    // The listener is live and the policy is real: an inline script is refused and reported.
    await page.evaluate(() => {
      const doc = (globalThis as any).document;
      doc.head.appendChild(Object.assign(doc.createElement('script'), { textContent: 'window.inlineRan = true' }));
    });
    await eventually(async () => page.evaluate(() => (globalThis as any).cspViolations.length), (count) => count > 0, 5_000);
    expect(await page.evaluate(() => [(globalThis as any).inlineRan, (globalThis as any).cspViolations])).toEqual([undefined, [expect.stringMatching(/^script-src/)]]);
  });

  it('shows a problem type as a styled page under its own CSP (no violation), linked from an index of every type', async () => {
    const page = await open(`${gateway.url}/problems`, async (opened) => {
      await opened.addInitScript(RECORD_CSP_VIOLATIONS);
    });
    const links = await page.locator('table a').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(links).toContain('/problems/validation-failed');
    expect(links).toHaveLength(Object.keys(PROBLEMS).length);
    await page.click('a[href="/problems/validation-failed"]');
    await page.waitForSelector('h1');
    expect(await page.locator('h1').textContent()).toBe(PROBLEMS.VALIDATION_FAILED.title);
    // The inline style applies (its hash is in the CSP) and the description's backticks became code.
    expect(await page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.body).maxWidth)).toBe('704px');
    expect(await page.locator('p code').allTextContents()).toContain('errors');
    expect(await page.evaluate(() => (globalThis as any).cspViolations)).toEqual([]);
  });
});
