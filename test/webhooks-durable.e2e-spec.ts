import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { RedisClient } from '@images/core';
import pino from 'pino';
import { EventType, GatewayEvent, RedisEventBus, StoredEvent, eventStreamKey } from '../apps/gateway/src/events/event-bus';
import { groupNameOf } from '../apps/gateway/src/webhooks/webhook-stream-reader';
import { WEBHOOK_OPTIONS, WebhookOptions } from '../apps/gateway/src/webhooks/webhooks.module';
import { deleteKeysWithPrefix, testRedisClient, uniquePrefix } from './support/redis';
import { Gateway, startGateway } from './support/stack';
import { eventually, sleep, useSim } from './support/suite-setup';
import { startWebhookReceiver, WebhookReceiver } from './support/webhook-receiver';

// API.md section 10 with Redis: deliveries outlive the replica that took them (another claims what a closed one left
// pending, under the same webhook-id), the deployment (a receiver's group keeps its position while no gateway runs),
// and are shared by the replicas (each event delivered once). Small internal timings, so a takeover takes a second.
const OPTIONS: WebhookOptions = {
  dispatcher: { retryBaseMs: 100, retryMaxMs: 200, maxAttempts: 50, timeoutMs: 500, maxQueued: 100, concurrency: 4 },
  stream: { claimMinIdleMs: 1000, touchIntervalMs: 200, blockMs: 300 },
};
const SECRET = 'a-webhook-secret-of-enough-bytes';
const HOOK = 'durable';

describe('durable webhooks (Redis)', () => {
  const suite = useSim();
  let redis: RedisClient;
  let dir: string;
  let prefix: string;
  let hook: WebhookReceiver;
  const gateways: Gateway[] = [];

  beforeAll(() => {
    redis = testRedisClient();
    dir = mkdtempSync(join(tmpdir(), 'webhooks-durable-e2e-'));
  });
  beforeEach(() => {
    prefix = uniquePrefix('hooks');
  });
  afterEach(async () => {
    for (const gateway of gateways.splice(0)) await gateway.close();
    await hook?.close();
    await deleteKeysWithPrefix(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A replica of the deployment under `prefix`, its one receiver taking image.changed. */
  async function replica(): Promise<Gateway> {
    const file = join(dir, 'webhooks.yaml');
    writeFileSync(file, `webhooks:\n  - name: ${HOOK}\n    url: ${hook.url}\n    events: [image.changed]\n    secret: ${SECRET}\n`);
    const gateway = await startGateway(suite.sim, {
      keyPrefix: prefix,
      env: { WEBHOOKS_FILE: file },
      createApp: async (root, adapter, options) => {
        const moduleRef = await Test.createTestingModule({ imports: [root] }).overrideProvider(WEBHOOK_OPTIONS).useValue(OPTIONS).compile();
        return moduleRef.createNestApplication<NestFastifyApplication>(adapter, options);
      },
    });
    gateways.push(gateway);
    return gateway;
  }

  /** Stops a replica as a deployment does, its keys kept (Gateway.close would delete them). */
  async function stop(gateway: Gateway): Promise<void> {
    gateways.splice(gateways.indexOf(gateway), 1);
    await gateway.app.app.close();
  }

  /** Events as any replica publishes them. */
  function publish(types: EventType[]): Promise<StoredEvent[]> {
    const events = types.map((type, n): GatewayEvent => ({ type, provider: 'didi', data: { provider: 'didi', n } }));
    return new RedisEventBus(redis, eventStreamKey(prefix), 1000, pino({ level: 'silent' })).publish(events);
  }

  const pending = async () => ((await redis.xpending(eventStreamKey(prefix), groupNameOf(HOOK))) as [number])[0];
  const delivered = async (gateway: Gateway) => {
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    return Number(new RegExp(`gateway_webhook_deliveries_total\\{webhook="${HOOK}",outcome="delivered"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
  };

  it('hands what a closed replica left pending to another, under the same webhook-id, delivered once', async () => {
    let failing = true;
    hook = await startWebhookReceiver(() => (failing ? 500 : 200));
    const a = await replica();
    const [event] = await publish(['image.changed']);
    await eventually(async () => hook.deliveries.length, (count) => count >= 2);
    await stop(a);
    const attemptsOfA = hook.deliveries.length;
    expect(await pending()).toBe(1);

    failing = false;
    const b = await replica();
    await eventually(async () => hook.taken(), (taken) => taken.length === 1);
    expect(hook.taken()).toEqual([event.id]);
    expect(hook.deliveries).toHaveLength(attemptsOfA + 1);
    expect(new Set(hook.deliveries.map((delivery) => delivery.headers['webhook-id']))).toEqual(new Set([`dlv_${event.id}`]));
    await eventually(pending, (count) => count === 0);
    expect(await delivered(b)).toBe(1);
  });

  it('delivers what was published while no gateway ran, from where the group was, and nothing from before it existed', async () => {
    hook = await startWebhookReceiver(() => 200);
    const [before] = await publish(['image.changed']);
    await stop(await replica());
    const whileDown = await publish(['image.changed', 'image.added', 'image.changed']);
    await sleep(300);
    expect(hook.deliveries).toHaveLength(0);

    await replica();
    await eventually(async () => hook.taken(), (taken) => taken.length >= 2);
    await eventually(pending, (count) => count === 0);
    expect(hook.taken().sort()).toEqual([whileDown[0].id, whileDown[2].id].sort());
    expect(hook.taken()).not.toContain(before.id);
  });

  it('with two replicas up, delivers each event once (the group shares them out)', async () => {
    hook = await startWebhookReceiver(() => 200);
    const [a, b] = [await replica(), await replica()];
    const events = await publish(Array.from({ length: 30 }, () => 'image.changed' as const));
    await eventually(async () => hook.taken(), (taken) => taken.length >= events.length);
    // Long enough for a takeover, had either replica let an entry look abandoned.
    await sleep(OPTIONS.stream.claimMinIdleMs + 2 * OPTIONS.stream.touchIntervalMs);
    expect(hook.deliveries).toHaveLength(events.length);
    expect(hook.taken().sort()).toEqual(events.map((event) => event.id).sort());
    expect((await delivered(a)) + (await delivered(b))).toBe(events.length);
    expect(await pending()).toBe(0);
  });
});
