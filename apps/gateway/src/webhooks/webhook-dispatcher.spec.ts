import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { DeliveryOutcome, DispatcherOptions, WebhookDispatcher, WebhookEvent } from './webhook-dispatcher';
import { verifyWebhook } from './webhook-signature';
import { EVENT_TYPES, EventType } from '../events/event-bus';
import { WebhookTarget } from './webhook-targets';

// Real HTTP receivers on loopback; fast retries so the backoff is seen within a test.
const FAST: DispatcherOptions = { retryBaseMs: 20, retryMaxMs: 100, maxAttempts: 4, timeoutMs: 300, maxQueued: 100, concurrency: 2 };
const SECRET = Buffer.from('a-secret-of-enough-bytes');

interface Received { headers: Record<string, string | undefined>; body: string }

/** A receiver that answers each request with the next of `statuses` (the last one repeats); 'hang' never answers. */
async function receiver(statuses: Array<number | 'hang'>): Promise<{ url: URL; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers as Record<string, string | undefined>, body });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)];
      if (status === 'hang') return void hanging.push(response);
      response.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/hook?token=query-credential`),
    received,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function target(name: string, url: URL, events: readonly EventType[] = EVENT_TYPES): WebhookTarget {
  return { name, url, events: new Set(events), secret: SECRET };
}

function recorder() {
  const outcomes: Array<[string, DeliveryOutcome]> = [];
  const warnings: string[] = [];
  return { outcomes, warnings, observer: { onDelivery: (webhook: string, outcome: DeliveryOutcome) => outcomes.push([webhook, outcome]), warn: (fields: Record<string, unknown>, message: string) => warnings.push(JSON.stringify({ ...fields, message })) } };
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const EVENT: WebhookEvent = { id: '1700000000000-0', type: 'image.added', data: { id: 'cecstack:img-1', name: 'ubuntu' } };

describe('WebhookDispatcher', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('posts the event signed the Standard Webhooks way, only to receivers subscribed to its type', async () => {
    const subscribed = await receiver([204]);
    const other = await receiver([204]);
    cleanups.push(subscribed.close, other.close);
    const { outcomes, observer } = recorder();
    const dispatcher = new WebhookDispatcher([target('a', subscribed.url, ['image.added']), target('b', other.url, ['image.removed'])], observer, FAST);
    cleanups.push(() => dispatcher.close());

    dispatcher.dispatch(EVENT);
    await until(() => outcomes.length === 1);
    expect(outcomes).toEqual([['a', 'delivered']]);
    expect(other.received).toHaveLength(0);
    const [{ headers, body }] = subscribed.received;
    expect(JSON.parse(body)).toEqual({ id: EVENT.id, type: 'image.added', data: EVENT.data });
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toMatch(/^dlv_[0-9a-f-]{36}$/);
    expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    // Computed here independently of the gateway's signer, as a receiver would.
    const expected = createHmac('sha256', SECRET).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(verifyWebhook(SECRET, headers, body)).toBe(true);
    expect(verifyWebhook(SECRET, headers, body.replace('ubuntu', 'debian'))).toBe(false);
    expect(verifyWebhook(Buffer.from('another-secret-of-bytes'), headers, body)).toBe(false);
  });

  it('retries after a 500 with backoff under the same delivery id, and stops at the first 2xx', async () => {
    const flaky = await receiver([500, 503, 200]);
    cleanups.push(flaky.close);
    const { outcomes, observer } = recorder();
    const dispatcher = new WebhookDispatcher([target('flaky', flaky.url)], observer, FAST);
    cleanups.push(() => dispatcher.close());

    dispatcher.dispatch(EVENT);
    await until(() => outcomes.some(([, outcome]) => outcome === 'delivered'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(outcomes.map(([, outcome]) => outcome)).toEqual(['retried', 'retried', 'delivered']);
    expect(flaky.received).toHaveLength(3);
    expect(new Set(flaky.received.map((request) => request.headers['webhook-id'])).size).toBe(1);
    expect(new Set(flaky.received.map((request) => request.body)).size).toBe(1);
  });

  it('never waits on a hanging receiver: dispatch returns at once, other receivers are served, and it gives up after maxAttempts', async () => {
    const hanging = await receiver(['hang']);
    const healthy = await receiver([200]);
    cleanups.push(hanging.close, healthy.close);
    const { outcomes, warnings, observer } = recorder();
    const dispatcher = new WebhookDispatcher([target('slow', hanging.url), target('fast', healthy.url)], observer, { ...FAST, maxAttempts: 2 });
    cleanups.push(() => dispatcher.close());

    expect(dispatcher.dispatch(EVENT)).toBeUndefined();
    await until(() => outcomes.some(([name]) => name === 'fast'));
    expect(outcomes).toEqual([['fast', 'delivered']]);
    await until(() => outcomes.some(([, outcome]) => outcome === 'failed'));
    expect(outcomes.filter(([name]) => name === 'slow').map(([, outcome]) => outcome)).toEqual(['retried', 'failed']);
    expect(hanging.received).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('no answer within 300 ms');
    // Named, never addressed: the URL's query may be a credential.
    expect(warnings[0]).not.toContain('query-credential');
  });

  it('bounds what waits for a receiver: past maxQueued the oldest is dropped and counted', async () => {
    const hanging = await receiver(['hang']);
    cleanups.push(hanging.close);
    const { outcomes, observer } = recorder();
    const dispatcher = new WebhookDispatcher([target('slow', hanging.url)], observer, { ...FAST, concurrency: 1, maxQueued: 2, timeoutMs: 5000 });
    cleanups.push(() => dispatcher.close());

    for (let n = 0; n < 5; n++) dispatcher.dispatch({ ...EVENT, id: `${n}` });
    expect(outcomes).toEqual([['slow', 'dropped'], ['slow', 'dropped']]);
    await until(() => hanging.received.length === 1);
    expect(JSON.parse(hanging.received[0].body).id).toBe('0');
  });
});
