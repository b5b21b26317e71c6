import type { RedisClient } from '@images/core';
import { Redis } from 'ioredis';
import { deleteKeysWithPrefix, recordingDeps, testRedisClient, uniquePrefix } from '@images/testing';
import { LocalCoordination, RedisCoordination } from './coordination';

const until = async (check: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('RedisCoordination leases and invalidations (real Redis)', () => {
  let admin: RedisClient;
  let prefix: string;
  const clients: RedisClient[] = [];
  const opened: RedisCoordination[] = [];

  beforeEach(() => {
    admin = testRedisClient();
    clients.push(admin);
    prefix = uniquePrefix('leases');
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(admin, prefix);
    await Promise.all(opened.splice(0).map((c) => c.close()));
    await Promise.all(clients.splice(0).map((c) => c.quit()));
  });

  function coordination(deps = recordingDeps()): RedisCoordination {
    const redis = testRedisClient();
    clients.push(redis);
    const made = new RedisCoordination(redis, testRedisClient(), prefix, deps.logger);
    opened.push(made);
    return made;
  }

  it('grants one lease at a time, as a `<key>:lease` key of leaseMs (rounded)', async () => {
    const a = coordination();
    const key = `${prefix}k`;
    const token = await a.acquire(key, 1500.6);
    expect(token).toEqual(expect.any(String));
    expect(await admin.get(`${key}:lease`)).toBe(token);
    const ttl = await admin.pttl(`${key}:lease`);
    expect(ttl).toBeGreaterThan(1000);
    expect(ttl).toBeLessThanOrEqual(1501);
    expect(a.shared).toBe(true);
    expect(await a.isHeld(key)).toBe(true);
    expect(await coordination().acquire(key, 1000)).toBeNull();
    expect(await a.acquire(key, 1000)).toBeNull();
  });

  it('takes a lease of at least 1 ms for a lease time under one', async () => {
    const deps = recordingDeps();
    const token = await coordination(deps).acquire(`${prefix}tiny`, 0.2);
    expect(token).toEqual(expect.any(String));
    expect(deps.logLines).toEqual([]);
  });

  it('renews only its own lease, for the new lease time', async () => {
    const a = coordination();
    const key = `${prefix}k`;
    const token = (await a.acquire(key, 1000))!;
    expect(await a.renew(key, token, 5000.4)).toBe(true);
    expect(await admin.pttl(`${key}:lease`)).toBeGreaterThan(4000);
    expect(await a.renew(key, 'someone-else', 60_000)).toBe(false);
    expect(await admin.pttl(`${key}:lease`)).toBeLessThanOrEqual(5000);
    expect(await a.renew(`${prefix}never-taken`, token, 1000)).toBe(false);
  });

  it('releases only its own lease', async () => {
    const a = coordination();
    const key = `${prefix}k`;
    const token = (await a.acquire(key, 5000))!;
    await a.release(key, 'someone-else');
    expect(await a.isHeld(key)).toBe(true);
    await a.release(key, token);
    expect(await a.isHeld(key)).toBe(false);
    expect(await a.acquire(key, 1000)).toEqual(expect.any(String));
  });

  it('tells every replica of an invalidation, itself at once, and nobody on another prefix', async () => {
    const heardA: string[] = [];
    const heardB: string[] = [];
    const heardOther: string[] = [];
    const [a, b] = [coordination(), coordination()];
    const otherRedis = testRedisClient();
    clients.push(otherRedis);
    const other = new RedisCoordination(otherRedis, testRedisClient(), `${prefix}other:`, recordingDeps().logger);
    opened.push(other);
    a.onInvalidation((key) => heardA.push(key));
    b.onInvalidation((key) => heardB.push(key));
    other.onInvalidation((key) => heardOther.push(key));
    // Until every subscriber's SUBSCRIBE has reached Redis (a cluster client connects later): each hears a warm-up.
    for (let round = 0; round < 100 && ![heardA, heardB, heardOther].every((heard) => heard.includes('warm-up')); round++) {
      await otherRedis.publish(`${prefix}catalog:invalidations`, 'warm-up');
      await otherRedis.publish(`${prefix}other:catalog:invalidations`, 'warm-up');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const real = (heard: string[]) => heard.filter((key) => key !== 'warm-up');

    const publishing = a.publishInvalidation('cat-1');
    expect(real(heardA)).toEqual(['cat-1']);
    await publishing;
    await until(() => real(heardB).length > 0 && real(heardA).length > 1);
    expect(real(heardB)).toEqual(['cat-1']);
    // The publisher hears its own message back too (dropping a catalog twice is harmless).
    expect(real(heardA)).toEqual(['cat-1', 'cat-1']);
    await until(() => false, 50);
    expect(real(heardOther)).toEqual([]);
  });

  it('ignores messages of other channels on a subscriber connection it shares', async () => {
    const redis = testRedisClient();
    const subscriber = testRedisClient();
    clients.push(redis);
    const c = new RedisCoordination(redis, subscriber, prefix, recordingDeps().logger);
    opened.push(c);
    const heard: string[] = [];
    c.onInvalidation((key) => heard.push(key));
    await subscriber.subscribe(`${prefix}elsewhere`);
    await until(() => false, 100);
    await admin.publish(`${prefix}elsewhere`, 'not-a-catalog');
    await admin.publish(`${prefix}catalog:invalidations`, 'cat-2');
    await until(() => heard.length > 0);
    await until(() => false, 50);
    expect(heard).toEqual(['cat-2']);
  });

  it('without Redis: fetches without a lease, keeps renewing, waits for nobody, and still hears itself', async () => {
    const deps = recordingDeps();
    const dead = () => {
      const client = new Redis('redis://127.0.0.1:1/0', { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => undefined);
      return client;
    };
    const [redis, subscriber] = [dead(), dead()];
    const c = new RedisCoordination(redis, subscriber, prefix, deps.logger);
    const heard: string[] = [];
    c.onInvalidation((key) => heard.push(key));

    expect(await c.acquire('k1', 1000)).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
    expect(await c.renew('k1', 't', 1000)).toBe(true);
    expect(await c.isHeld('k1')).toBe(false);
    await expect(c.release('k2', 't')).resolves.toBeUndefined();
    await c.publishInvalidation('k3');
    expect(heard).toEqual(['k3']);
    expect(deps.logLines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'redis lease unavailable; fetching without it', key: 'k1', err: expect.any(String) }),
      expect.objectContaining({ level: 'warn', msg: 'redis lease release failed; it lapses by itself', key: 'k2', err: expect.any(String) }),
      expect.objectContaining({ level: 'warn', msg: 'redis invalidation not published; other replicas keep their copy until it expires', key: 'k3', err: expect.any(String) }),
    ]);
    await c.close();
    redis.disconnect();
  });

  it('close ends the subscriber connection', async () => {
    const redis = testRedisClient();
    const subscriber = testRedisClient();
    clients.push(redis);
    const c = new RedisCoordination(redis, subscriber, prefix, recordingDeps().logger);
    await until(() => subscriber.status === 'ready');
    await c.close();
    await until(() => subscriber.status === 'end');
    expect(subscriber.status).toBe('end');
  });
});

describe('LocalCoordination', () => {
  it('always grants the lease, holds nothing to wait for, and tells its own listeners of an invalidation', async () => {
    const local = new LocalCoordination();
    const heard: string[] = [];
    local.onInvalidation((key) => heard.push(`1:${key}`));
    local.onInvalidation((key) => heard.push(`2:${key}`));
    expect(local.shared).toBe(false);
    expect(await local.acquire()).toBe('local');
    expect(await local.renew()).toBe(true);
    expect(await local.isHeld()).toBe(false);
    await local.publishInvalidation('k');
    expect(heard).toEqual(['1:k', '2:k']);
    await expect(local.release()).resolves.toBeUndefined();
    await expect(local.close()).resolves.toBeUndefined();
  });
});
