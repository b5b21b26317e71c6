import type { RedisClient } from '@images/core';
import pino from 'pino';
import { deleteKeysWithPrefix, startWebhookReceiver, testRedisClient, uniquePrefix, WebhookReceiver } from '@images/testing';
import { EventType, GatewayEvent, RedisEventBus, StreamEntries, eventStreamKey } from '../events/event-bus';
import { DeliveryOutcome, DispatcherOptions, WebhookDispatcher } from './webhook-dispatcher';
import { deliveryIdOf, groupNameOf, StreamReaderOptions, WebhookStreamReader } from './webhook-stream-reader';
import { WebhookTarget } from './webhook-targets';

// Real Redis (a key prefix of its own) and real receivers on loopback; timings small enough to see takeovers in a second.
const DISPATCH: DispatcherOptions = { retryBaseMs: 20, retryMaxMs: 100, maxAttempts: 3, timeoutMs: 300, maxQueued: 100, concurrency: 2 };
const STREAM: StreamReaderOptions = { claimMinIdleMs: 400, touchIntervalMs: 100, blockMs: 200 };
const event = (type: EventType, n: number): GatewayEvent => ({ type, provider: 'p', data: { provider: 'p', n } });

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('WebhookStreamReader', () => {
  let redis: RedisClient;
  let prefix: string;
  let key: string;
  let bus: RedisEventBus;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeEach(() => {
    redis = testRedisClient();
    prefix = uniquePrefix('webhooks');
    key = eventStreamKey(prefix);
    bus = new RedisEventBus(redis, key, 1000, pino({ level: 'silent' }));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  const target = (receiver: WebhookReceiver, events: readonly EventType[] = ['image.added']): WebhookTarget =>
    ({ name: 'r', url: new URL(receiver.url), events: new Set(events), secret: Buffer.from('a-secret-of-enough-bytes') });

  async function receiver(answer: (n: number) => number | 'hang'): Promise<WebhookReceiver> {
    const started = await startWebhookReceiver(answer);
    cleanups.push(started.close);
    return started;
  }

  /** One replica: its lane and its consumer, started (the group created from now on unless it exists). */
  async function replica(targets: WebhookTarget[], dispatch = DISPATCH, stream = STREAM) {
    const outcomes: DeliveryOutcome[] = [];
    const warnings: string[] = [];
    const observer = { onDelivery: (_: string, outcome: DeliveryOutcome) => outcomes.push(outcome), warn: (_: unknown, message: string) => warnings.push(message) };
    const reader = new WebhookStreamReader(redis, key, targets, new WebhookDispatcher(targets, observer, dispatch), observer, dispatch, stream);
    await reader.start();
    cleanups.push(() => reader.close());
    return { outcomes, warnings, reader };
  }

  const pendingCount = async () => ((await redis.xpending(key, groupNameOf('r'))) as [number])[0];

  it('takes over what a dead consumer left pending, under the webhook-id of the entry, and counts one trimmed meanwhile as dropped', async () => {
    const hook = await receiver(() => 200);
    // The dead replica: it read two entries and never acknowledged them.
    await redis.xgroup('CREATE', key, groupNameOf('r'), '$', 'MKSTREAM');
    const [trimmed, kept] = await bus.publish([event('image.added', 1), event('image.added', 2)]);
    const read = (await redis.xreadgroup('GROUP', groupNameOf('r'), 'dead', 'COUNT', 10, 'STREAMS', key, '>')) as Array<[string, StreamEntries]>;
    expect(read[0][1]).toHaveLength(2);
    await redis.xdel(key, trimmed.id);

    const { outcomes, warnings } = await replica([target(hook)]);
    await until(() => outcomes.includes('delivered') && outcomes.includes('dropped'));
    expect(outcomes.sort()).toEqual(['delivered', 'dropped']);
    expect(hook.taken()).toEqual([kept.id]);
    expect(hook.deliveries[0].headers['webhook-id']).toBe(deliveryIdOf(kept.id));
    expect(warnings).toContain('pending webhook deliveries trimmed from the stream before delivery');
    await until(async () => (await pendingCount()) === 0);
  });

  it('keeps what a live consumer holds through a retry sleep longer than the takeover idle time (touched, not taken over)', async () => {
    const hook = await receiver((n) => (n <= 2 ? 500 : 200));
    const slowRetries = { ...DISPATCH, retryBaseMs: 3 * STREAM.claimMinIdleMs, retryMaxMs: 3 * STREAM.claimMinIdleMs, maxAttempts: 5 };
    const a = await replica([target(hook)], slowRetries);
    const b = await replica([target(hook)], slowRetries);
    const [published] = await bus.publish([event('image.added', 1)]);

    await until(() => [...a.outcomes, ...b.outcomes].includes('delivered'), 15_000);
    expect(hook.deliveries.map((delivery) => delivery.status)).toEqual([500, 500, 200]);
    expect(new Set(hook.deliveries.map((delivery) => delivery.headers['webhook-id']))).toEqual(new Set([deliveryIdOf(published.id)]));
    expect([...a.outcomes, ...b.outcomes].sort()).toEqual(['delivered', 'retried', 'retried']);
    expect([...a.warnings, ...b.warnings]).not.toContain('webhook deliveries taken over from a replica gone quiet');
    await until(async () => (await pendingCount()) === 0);
  });

  it('acknowledges and skips the types a receiver did not subscribe to', async () => {
    const hook = await receiver(() => 204);
    const { outcomes } = await replica([target(hook, ['image.removed'])]);
    const [, removed] = await bus.publish([event('image.added', 1), event('image.removed', 2), event('image.changed', 3)]);
    await until(() => outcomes.includes('delivered'));
    await until(async () => (await pendingCount()) === 0);
    expect(hook.taken()).toEqual([removed.id]);
    expect(outcomes).toEqual(['delivered']);
  });

  it('reads no more than its lane has room for, and at close leaves what it holds pending for another replica', async () => {
    const hook = await receiver(() => 'hang');
    // Its takeover idle time above its long attempts; the replica taking over uses the short one.
    const { outcomes, warnings, reader } = await replica([target(hook)], { ...DISPATCH, maxQueued: 2, concurrency: 1, timeoutMs: 5000 }, { ...STREAM, claimMinIdleMs: 6000 });
    await bus.publish([1, 2, 3, 4, 5].map((n) => event('image.added', n)));
    await until(() => hook.deliveries.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 3 * STREAM.blockMs));
    expect(await pendingCount()).toBe(2);

    // The receiver cuts the held request: the attempt fails while closing, so the entry stays for another replica.
    const closed = reader.close();
    await hook.close();
    await closed;
    expect(outcomes).toEqual(['retried']);
    expect(warnings).toContain('webhook deliveries left pending for another replica or the next start');
    expect(await pendingCount()).toBe(2);

    // Another replica takes over the two held and reads the three never read.
    const healthy = await receiver(() => 200);
    await replica([target(healthy)]);
    await until(() => healthy.taken().length === 5);
    expect(new Set(healthy.taken()).size).toBe(5);
  });
});
