import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Image } from '@images/core';
import { Gateway, getJson, sendJson, startGateway } from './support/stack';
import { eventually, useSim } from './support/suite-setup';
import { startWebhookReceiver, WebhookReceiver } from './support/webhook-receiver';

// Issue 13 item 3 end to end: a rename through the gateway becomes an image.changed delivered to WEBHOOKS_FILE's
// receivers, signed (Standard Webhooks), retried after a 500 under the same delivery id, and never waited for; with
// Redis read from the events stream by a consumer group (durable), without it from this replica's own events.
const SECRET = 'a-webhook-secret-of-enough-bytes';

describe.each([
  ['with Redis', true, /^dlv_\d+-\d+$/],
  ['without Redis', false, /^dlv_[0-9a-f-]{36}$/],
])('webhooks %s', (_name, redis, deliveryId) => {
  const suite = useSim();
  let dir: string;
  let gateway: Gateway;
  let flaky: WebhookReceiver;
  let hanging: WebhookReceiver;
  const list = async () => (await getJson(`${gateway.url}/images?provider=didi&limit=200`)).body.items as Image[];

  beforeAll(async () => {
    flaky = await startWebhookReceiver((n) => (n === 1 ? 500 : 200));
    hanging = await startWebhookReceiver(() => 'hang');
    dir = mkdtempSync(join(tmpdir(), 'webhooks-e2e-'));
    const file = join(dir, 'webhooks.yaml');
    writeFileSync(file, `webhooks:
  - name: flaky
    url: ${flaky.url}
    events: [image.changed]
    secret: ${SECRET}
  - name: hanging
    url: ${hanging.url}
    events: ["*"]
    secret: ${SECRET}
`);
    gateway = await startGateway(suite.sim, { redis, env: { WEBHOOKS_FILE: file, CACHE_TTL_SECONDS: '300' } });
    await list();
  });
  afterAll(async () => {
    // The hanging receiver first: the gateway's close waits for the attempts in flight (up to their timeout).
    await hanging?.close();
    await gateway?.close();
    await flaky?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a change signed, retries a 500 under the same delivery id, and stops at the 200', async () => {
    const [image] = (await list()).filter((candidate) => candidate.visibility === 'private');
    expect((await sendJson('PATCH', `${gateway.url}/images/${image.id}`, { name: 'e2e webhook renamed' })).status).toBe(200);
    // The fetch after the write is where the change is learnt; the answer does not wait for any receiver.
    expect((await list()).find((candidate) => candidate.id === image.id)?.name).toBe('e2e webhook renamed');
    expect(hanging.deliveries.length).toBeLessThanOrEqual(1);

    await eventually(async () => flaky.deliveries, (deliveries) => deliveries.some((delivery) => delivery.status === 200));
    expect(flaky.deliveries.map((delivery) => delivery.status)).toEqual([500, 200]);
    const [first, second] = flaky.deliveries;
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.headers['webhook-id']).toMatch(deliveryId);
    expect(second.body).toBe(first.body);
    const event = JSON.parse(second.body);
    if (redis) expect(second.headers['webhook-id']).toBe(`dlv_${event.id}`);
    expect(event).toMatchObject({ type: 'image.changed', id: expect.stringMatching(/^\d+-\d+$/), data: { provider: 'didi', image: { id: image.id, name: 'e2e webhook renamed' } } });
    const signed = `${second.headers['webhook-id']}.${second.headers['webhook-timestamp']}.${second.body}`;
    expect(second.headers['webhook-signature']).toBe(`v1,${createHmac('sha256', SECRET).update(signed).digest('base64')}`);

    // The hanging receiver got the same event (it subscribed to every type) and holds it; requests go on meanwhile.
    await eventually(async () => hanging.deliveries.length, (count) => count >= 1);
    expect((await getJson(`${gateway.url}/images?limit=1`)).status).toBe(200);
    const metrics = await getJson(`${gateway.url}/metrics`);
    expect(metrics.body).toMatch(/gateway_webhook_deliveries_total\{webhook="flaky",outcome="retried"\} 1/);
    expect(metrics.body).toMatch(/gateway_webhook_deliveries_total\{webhook="flaky",outcome="delivered"\} 1/);
    expect(metrics.body).not.toContain(SECRET);
  });
});
