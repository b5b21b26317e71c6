import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import type { RedisClient } from '@images/core';
import pino from 'pino';
import { deleteKeysWithPrefix, testRedisClient, uniquePrefix } from '@images/testing';
import { EventBus, GatewayEvent, MemoryEventBus, RedisEventBus, compareStreamIds } from './event-bus';
import { EventStreams, MAX_BUFFERED_BYTES } from './event-streams';
import { parseSseFrame } from '@images/client';

const silent = pino({ level: 'silent' });
const added = (n: number, provider = 'p'): GatewayEvent => ({ type: 'image.added', provider, data: { provider, n } });

/** The events written to a stream body so far, parsed. */
function framesOf(body: PassThrough): { read(): Array<{ id?: string; event?: string; data?: any }> } {
  let text = '';
  body.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return {
    read: () => text.split('\n\n').map(parseSseFrame).filter((frame) => frame !== null).map((frame) => ({ ...frame!, data: frame!.data && JSON.parse(frame!.data) })),
  };
}

// Generous: a loaded CI machine runs these beside everything else.
const until = async (check: () => boolean, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('stream ids', () => {
  it('orders by time, then sequence, numerically', () => {
    expect(compareStreamIds('9-0', '10-0')).toBe(-1);
    expect(compareStreamIds('10-10', '10-9')).toBe(1);
    expect(compareStreamIds('5-5', '5-5')).toBe(0);
  });
});

describe.each([
  ['memory', () => ({ bus: new MemoryEventBus(5) as EventBus, cleanup: async () => undefined })],
  ['redis', () => {
    const redis: RedisClient = testRedisClient();
    const prefix = uniquePrefix('events');
    return { bus: new RedisEventBus(redis, `${prefix}{events}:stream`, 5, silent) as EventBus, cleanup: async () => { await deleteKeysWithPrefix(redis, prefix); await redis.quit(); } };
  }],
])('event streams over the %s bus', (_name, make) => {
  let bus: EventBus;
  let cleanup: () => Promise<void>;
  let streams: EventStreams;
  beforeEach(() => {
    ({ bus, cleanup } = make());
    streams = new EventStreams(bus, 2, 50);
  });
  afterEach(async () => {
    streams.endAll();
    await bus.close();
    await cleanup();
  });

  it('sends live events as frames, filtered by provider and type, with heartbeats between', async () => {
    const body = await streams.start({ tracker: 'a', providers: new Set(['p']), types: new Set(['image.added']), lastEventId: undefined });
    const frames = framesOf(body);
    let text = '';
    body.on('data', (chunk: Buffer) => (text += chunk));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await bus.publish([added(1, 'other'), { type: 'image.removed', provider: 'p', data: {} }, added(2)]);
    await until(() => frames.read().length > 0);
    expect(frames.read()).toEqual([{ id: expect.stringMatching(/^\d+-\d+$/), event: 'image.added', data: { provider: 'p', n: 2 } }]);
    expect(text).toContain(': heartbeat');
  });

  it('resumes after Last-Event-ID with every later event once, then the live ones', async () => {
    const first = await streams.start({ tracker: 'a', providers: null, types: null });
    const seen = framesOf(first);
    await bus.publish([added(1), added(2), added(3)]);
    await until(() => seen.read().length === 3);
    first.destroy();
    const resumed = await streams.start({ tracker: 'a', providers: null, types: null, lastEventId: seen.read()[0].id });
    const frames = framesOf(resumed);
    await bus.publish([added(4)]);
    await until(() => frames.read().length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(frames.read().map((frame) => frame.data.n)).toEqual([2, 3, 4]);
  });

  it('sends one reset, with the latest id, for an id no longer held (trimmed past, or never issued)', async () => {
    const first = await streams.start({ tracker: 'a', providers: null, types: null });
    const seen = framesOf(first);
    // One at a time: a reader that read all six after the last XADD would find the first already trimmed (MAXLEN 5).
    for (let n = 2; n <= 7; n++) {
      await bus.publish([added(n)]);
      await until(() => seen.read().length === n - 1);
    }
    const trimmed = seen.read()[0].id!;
    const late = framesOf(await streams.start({ tracker: 'b', providers: null, types: null, lastEventId: trimmed }));
    await until(() => late.read().length === 1);
    expect(late.read()).toEqual([{ id: seen.read()[5].id, event: 'reset', data: { reason: expect.stringContaining('list again') } }]);
    const bogus = framesOf(await streams.start({ tracker: 'b', providers: null, types: null, lastEventId: 'not-an-id' }));
    await until(() => bogus.read().length === 1);
    expect(bogus.read()[0].event).toBe('reset');
  });

  it('caps the streams per caller, frees a slot when one closes, and ends them all on drain', async () => {
    const one = await streams.start({ tracker: 'a', providers: null, types: null });
    const two = await streams.start({ tracker: 'a', providers: null, types: null });
    await expect(streams.start({ tracker: 'a', providers: null, types: null })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const other = await streams.start({ tracker: 'b', providers: null, types: null });
    one.destroy();
    await until(() => streams.size === 2);
    const three = await streams.start({ tracker: 'a', providers: null, types: null });
    const ended = [two, other, three].map((body) => new Promise((resolve) => body.on('finish', resolve)));
    streams.endAll();
    await Promise.all(ended);
    await expect(streams.start({ tracker: 'c', providers: null, types: null })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  it('drops a reader that lets more than the buffer limit wait, instead of buffering without bound', async () => {
    const body = await streams.start({ tracker: 'a', providers: null, types: null });
    const closed = new Promise((resolve) => body.on('close', resolve));
    // Nobody reads this body: each big event waits in it.
    const big = 'x'.repeat(64 * 1024);
    for (let n = 0; n * big.length <= MAX_BUFFERED_BYTES + big.length && !body.destroyed; n++) await bus.publish([{ type: 'image.added', provider: 'p', data: { big, n } }]);
    await closed;
    expect(body.destroyed).toBe(true);
    expect(streams.size).toBe(0);
  });
});

describe('the Redis bus reader', () => {
  it('blocks for events on a connection of its own, unhurried by the shared client\'s command timeout', async () => {
    const prefix = uniquePrefix('events-block');
    const redis = new Redis({ host: '127.0.0.1', port: 6379, db: 11, commandTimeout: 500 });
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const bus = new RedisEventBus(redis, `${prefix}{events}:stream`, 10, logger);
    const received: string[] = [];
    try {
      bus.subscribe((event) => received.push(event.type));
      await bus.ready();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const sent = Date.now();
      await bus.publish([added(1)]);
      await until(() => received.length === 1, 1000);
      expect(Date.now() - sent).toBeLessThan(300);
      expect(warnings).toEqual([]);
    } finally {
      await bus.close();
      await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
    }
  });
});
