import type { Browser, Page } from 'playwright-core';
import type { Image } from '@images/core';
import type { RunningSim } from '../apps/vendor-sim/src';
import { PageSite, describeWithChromium, launchChromium, startPageSite } from './support/browser';
import { CALLERS, bearer, callersEnv } from './support/callers';
import { Gateway, getJson, sendJson, startGateway, startSim } from './support/stack';

// GET /events from a page of an allowed origin in headless Chromium. EventSource sends no headers of its own: where
// the gateway needs none (AUTH_DISABLED) it opens the stream as it is; with keys the page first asks
// POST /events/tickets with its key (fetch, through a CORS preflight) and opens `?ticket=…`, or reads the stream
// through fetch() with its Authorization header (API.md, "Events").

/** Each resolves with the first event named `type` the page receives, or with the error it met. */
const EVENTS_PAGE = `<!doctype html><title>events</title><script>
function firstEvent(url, type) {
  return new Promise((resolve) => {
    const source = new EventSource(url);
    window.openSources = (window.openSources || 0) + 1;
    source.addEventListener(type, (event) => { source.close(); resolve({ id: event.lastEventId, data: JSON.parse(event.data) }); });
    source.onerror = () => { source.close(); resolve({ error: 'EventSource failed, readyState ' + source.readyState }); };
  });
}
async function firstEventWithTicket(base, key, query, type) {
  const answer = await fetch(base + '/events/tickets', { method: 'POST', headers: { Authorization: 'Bearer ' + key } });
  if (answer.status !== 200) return { error: 'ticket answered ' + answer.status };
  const { ticket } = await answer.json();
  return firstEvent(base + '/events?' + query + '&ticket=' + encodeURIComponent(ticket), type);
}
async function firstFrameWithKey(url, key) {
  const controller = new AbortController();
  try {
    const response = await fetch(url, { headers: { Authorization: 'Bearer ' + key }, signal: controller.signal });
    const reader = response.body.getReader();
    const { value } = await reader.read();
    return { status: response.status, type: response.headers.get('content-type'), first: new TextDecoder().decode(value) };
  } catch (error) {
    return { error: error.name + ': ' + error.message };
  } finally {
    controller.abort();
  }
}
</script>`;

describeWithChromium('GET /events from a browser', () => {
  let sim: RunningSim;
  let site: PageSite;
  let open: Gateway;
  let keyed: Gateway;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    sim = await startSim();
    site = await startPageSite('127.0.0.1', { '/': EVENTS_PAGE });
    open = await startGateway(sim, { redis: false, env: { AUTH_DISABLED: 'true', CORS_ORIGINS: site.origin } });
    keyed = await startGateway(sim, { redis: false, env: callersEnv({ CORS_ORIGINS: site.origin }) });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(site.url('/'));
  });
  afterAll(async () => {
    // Closing the browser closes its streams, so the gateways' close does not wait for them.
    await browser?.close();
    for (const gateway of [keyed, open]) await gateway?.close();
    await site?.close();
    await sim?.close();
  });

  it('delivers an image.changed to an EventSource on an allowed origin', async () => {
    const images = (await getJson(`${open.url}/images?provider=didi&limit=200`)).body.items as Image[];
    const target = images.find((image) => image.visibility === 'private' && image.status === 'available')!;
    const received = page.evaluate(([url]) => (globalThis as any).firstEvent(url, 'image.changed'), [`${open.url}/events?provider=didi`]);
    // The page's stream is open once its first bytes came: a rename then, and the list that learns of it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await sendJson('PATCH', `${open.url}/images/${target.id}`, { name: 'e2e from the browser' })).status).toBe(200);
    await getJson(`${open.url}/images?provider=didi&limit=1`);
    const event = await received;
    expect(event).toMatchObject({ data: { provider: 'didi', image: { id: target.id, name: 'e2e from the browser' }, fields: expect.arrayContaining(['name']) } });
    expect(event.id).toMatch(/^\d+-\d+$/);
  });

  it('delivers an image.changed to an EventSource opened with a stream ticket the page asked for with its key', async () => {
    const images = (await getJson(`${keyed.url}/images?provider=didi&limit=200`, bearer(CALLERS.reader))).body.items as Image[];
    const target = images.find((image) => image.visibility === 'private' && image.status === 'available')!;
    const received = page.evaluate(([base, key]) => (globalThis as any).firstEventWithTicket(base, key, 'provider=didi', 'image.changed'), [keyed.url, CALLERS.reader.key]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await sendJson('PATCH', `${keyed.url}/images/${target.id}`, { name: 'e2e ticket from the browser' }, bearer(CALLERS.writer))).status).toBe(200);
    const event = await received;
    expect(event).toMatchObject({ data: { provider: 'didi', image: { id: target.id, name: 'e2e ticket from the browser' } } });
  });

  it('streams to fetch() with a key from an allowed origin, and refuses an EventSource without one (401)', async () => {
    const frame = await page.evaluate(([url, key]) => (globalThis as any).firstFrameWithKey(url, key), [`${keyed.url}/events`, CALLERS.reader.key]);
    expect(frame).toMatchObject({ status: 200, type: 'text/event-stream; charset=utf-8', first: expect.stringContaining('retry: ') });
    const refused = await page.evaluate(([url]) => (globalThis as any).firstEvent(url, 'image.changed'), [`${keyed.url}/events`]);
    expect(refused.error).toMatch(/EventSource failed/);
    expect((await getJson(`${keyed.url}/events`)).status).toBe(401);
    expect((await getJson(`${keyed.url}/events?type=image.added`, bearer(CALLERS.operator))).status).toBe(403);
  });
});
