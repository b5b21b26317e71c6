import { Redis } from 'ioredis';
import { Image, type RedisClient } from '@images/core';
import { deleteKeysWithPrefix, keysMatching, recordingDeps, testRedisClient, uniquePrefix } from '@images/testing';
import { MemoryCatalogStore, RedisCatalogStore, TieredCatalogStore, errorMessage } from './catalog-store';

const images = [{ id: 'a:1', provider: 'a', providerImageId: '1', name: 'one' } as Image];

describe('catalog stores (real Redis)', () => {
  let redis: RedisClient;
  const prefix = uniquePrefix('store');
  const logger = recordingDeps().logger;

  beforeAll(() => { redis = testRedisClient(); });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('round-trips a catalog through Redis with the retention as its expiry', async () => {
    const store = new RedisCatalogStore(redis, logger);
    await store.set(`${prefix}k1`, { images, fetchedAt: 1234 }, 5000);
    expect(await store.get(`${prefix}k1`)).toEqual({ images, fetchedAt: 1234 });
    const ttl = await redis.pttl(`${prefix}k1`);
    expect(ttl).toBeGreaterThan(4000);
    expect(ttl).toBeLessThanOrEqual(5000);
  });

  it('reads a corrupt entry as a miss', async () => {
    await redis.set(`${prefix}bad`, '{not json');
    expect(await new RedisCatalogStore(redis, logger).get(`${prefix}bad`)).toBeNull();
  });

  it('a second tier reads what another replica wrote to Redis', async () => {
    const writer = new TieredCatalogStore(new MemoryCatalogStore(), new RedisCatalogStore(redis, logger), 60_000, 120_000);
    const reader = new TieredCatalogStore(new MemoryCatalogStore(), new RedisCatalogStore(redis, logger), 60_000, 120_000);
    await writer.set(`${prefix}shared`, { images, fetchedAt: Date.now() }, 120_000);
    expect((await reader.get(`${prefix}shared`))?.images).toEqual(images);
  });

  it('keeps answering from memory when Redis is unreachable, without stalling', async () => {
    const dead = new Redis('redis://127.0.0.1:1/0', { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const store = new TieredCatalogStore(new MemoryCatalogStore(), new RedisCatalogStore(dead, logger), 60_000, 120_000);
    const started = Date.now();
    await store.set('k', { images, fetchedAt: Date.now() - 90_000 }, 120_000);
    // Past its fresh time, so Redis is asked, fails, and the stale memory copy is still the answer.
    expect((await store.get('k'))?.images).toEqual(images);
    expect(Date.now() - started).toBeLessThan(500);
    dead.disconnect();
  });

  it('asks Redis about a stale local copy at most once per recheck interval, unless asked for the shared copy', async () => {
    const shared = new RedisCatalogStore(redis, logger);
    let reads = 0;
    const counting = { ...shared, backend: shared.backend, get: (key: string) => { reads++; return shared.get(key); }, getShared: (key: string) => shared.get(key), set: shared.set.bind(shared), delete: shared.delete.bind(shared), evictLocal: () => undefined, readNow: () => undefined };
    const store = new TieredCatalogStore(new MemoryCatalogStore(), counting, 1000, 120_000, 200);
    await store.set(`${prefix}stale`, { images, fetchedAt: Date.now() - 5000 }, 120_000);
    for (let i = 0; i < 10; i++) await store.get(`${prefix}stale`);
    expect(reads).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 220));
    await store.get(`${prefix}stale`);
    await store.getShared(`${prefix}stale`);
    expect(reads).toBe(3);
  });

  it('writes a large catalog in parts under a key of its own, renamed into place: the same entry, nothing left behind', async () => {
    const many = Array.from({ length: 4500 }, (_, i) => ({ id: `a:${i}`, provider: 'a', providerImageId: String(i), name: `n "${i}" é` } as Image));
    const store = new RedisCatalogStore(redis, logger);
    // Hash-tagged as the engine's keys are: on a Redis Cluster the parts and the key share a slot.
    const key = `${prefix}catalog:v1:{a:large}`;
    await store.set(key, { images: images, fetchedAt: 1 }, 60_000);
    const writing = store.set(key, { images: many, fetchedAt: 2, version: 'v2' }, 60_000);
    // Until the rename, readers see the previous entry whole.
    expect((await store.get(key))?.fetchedAt).toBe(1);
    await writing;
    expect(await redis.get(key)).toBe(JSON.stringify({ v: 1, fetchedAt: 2, version: 'v2', images: many }));
    expect(await store.get(key)).toEqual({ images: many, fetchedAt: 2, version: 'v2' });
    expect(await redis.pttl(key)).toBeGreaterThan(50_000);
    expect(await keysMatching(redis, `${key}:writing:*`)).toEqual([]);
  });
});

describe('RedisCatalogStore edges (real Redis)', () => {
  let redis: RedisClient;
  const prefix = uniquePrefix('store-edges');
  // Hash-tagged as the engine's keys are, so a large write's parts share the key's slot on a Redis Cluster.
  const catalogKey = (name: string) => `${prefix}catalog:v1:{a:${name}}`;
  const many = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ id: `a:${i}`, provider: 'a', providerImageId: String(i), name: `${tag}-${i}` } as Image));

  beforeAll(() => { redis = testRedisClient(); });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('writes a catalog of exactly two parts (4,000 images) as valid JSON', async () => {
    const store = new RedisCatalogStore(redis, recordingDeps().logger);
    const exact = many(4000, 'exact');
    await store.set(catalogKey('exact'), { images: exact, fetchedAt: 3 }, 60_000);
    expect(await store.get(catalogKey('exact'))).toEqual({ images: exact, fetchedAt: 3 });
  });

  it('writes two large catalogs at once, each under a temporary key of its own', async () => {
    const store = new RedisCatalogStore(redis, recordingDeps().logger);
    const [first, second] = [many(4500, 'first'), many(4500, 'second')];
    await Promise.all([store.set(catalogKey('one'), { images: first, fetchedAt: 1 }, 60_000), store.set(catalogKey('two'), { images: second, fetchedAt: 2 }, 60_000)]);
    expect((await store.get(catalogKey('one')))?.images).toEqual(first);
    expect((await store.get(catalogKey('two')))?.images).toEqual(second);
  });

  it('reads a missing key as a miss without a warning, and an entry stored without a version as one without', async () => {
    const deps = recordingDeps();
    const store = new RedisCatalogStore(redis, deps.logger);
    expect(await store.get(`${prefix}absent`)).toBeNull();
    expect(deps.logLines).toEqual([]);
    await store.set(`${prefix}unversioned`, { images, fetchedAt: 4 }, 60_000);
    expect(Object.keys((await store.get(`${prefix}unversioned`))!)).toEqual(['fetchedAt', 'images']);
  });
});

describe('RedisCatalogStore entries and failures (real Redis)', () => {
  let redis: RedisClient;
  const prefix = uniquePrefix('store-shape');

  beforeAll(() => { redis = testRedisClient(); });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('stores version 1 JSON and reads getShared from Redis too', async () => {
    const store = new RedisCatalogStore(redis, recordingDeps().logger);
    await store.set(`${prefix}v`, { images, fetchedAt: 42 }, 5000);
    expect(JSON.parse((await redis.get(`${prefix}v`))!)).toEqual({ v: 1, fetchedAt: 42, images });
    expect(await store.getShared(`${prefix}v`)).toEqual({ images, fetchedAt: 42 });
    expect(await store.get(`${prefix}absent`)).toBeNull();
  });

  it.each([
    ['another version', { v: 2, fetchedAt: 1, images: [] }],
    ['no version', { fetchedAt: 1, images: [] }],
    ['a fetchedAt that is not a number', { v: 1, fetchedAt: '1', images: [] }],
    ['images that are not a list', { v: 1, fetchedAt: 1, images: {} }],
  ])('reads an entry with %s as a miss', async (_label, value) => {
    await redis.set(`${prefix}odd`, JSON.stringify(value));
    expect(await new RedisCatalogStore(redis, recordingDeps().logger).get(`${prefix}odd`)).toBeNull();
  });

  it('rounds a fractional retention to whole milliseconds, at least one', async () => {
    const deps = recordingDeps();
    const store = new RedisCatalogStore(redis, deps.logger);
    await store.set(`${prefix}frac`, { images, fetchedAt: 1 }, 2000.6);
    const ttl = await redis.pttl(`${prefix}frac`);
    expect(ttl).toBeGreaterThan(1500);
    expect(ttl).toBeLessThanOrEqual(2001);
    await store.set(`${prefix}tiny`, { images, fetchedAt: 1 }, 0.2);
    expect(deps.logLines).toEqual([]);
  });

  it('deletes an entry', async () => {
    const store = new RedisCatalogStore(redis, recordingDeps().logger);
    await store.set(`${prefix}gone`, { images, fetchedAt: 1 }, 5000);
    await store.delete(`${prefix}gone`);
    expect(await redis.exists(`${prefix}gone`)).toBe(0);
  });

  it('logs each failed read, write and delete as a warning naming the key, and never throws', async () => {
    const dead = new Redis('redis://127.0.0.1:1/0', { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const deps = recordingDeps();
    const store = new RedisCatalogStore(dead, deps.logger);
    expect(await store.get('k1')).toBeNull();
    await expect(store.set('k2', { images, fetchedAt: 1 }, 1000)).resolves.toBeUndefined();
    await expect(store.delete('k3')).resolves.toBeUndefined();
    expect(deps.logLines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'redis catalog read failed; treated as a miss', key: 'k1', err: expect.any(String) }),
      expect.objectContaining({ level: 'warn', msg: 'redis catalog write failed', key: 'k2', err: expect.any(String) }),
      expect.objectContaining({ level: 'warn', msg: 'redis catalog delete failed', key: 'k3', err: expect.any(String) }),
    ]);
    dead.disconnect();
  });

  it('evictLocal leaves Redis alone: the shared copy is not this process\'s to drop', async () => {
    const store = new RedisCatalogStore(redis, recordingDeps().logger);
    await store.set(`${prefix}kept`, { images, fetchedAt: 1 }, 5000);
    store.evictLocal();
    expect(await store.get(`${prefix}kept`)).toEqual({ images, fetchedAt: 1 });
    expect(store.backend).toBe('redis');
  });
});

describe('errorMessage', () => {
  it('is the message of an Error and the string of anything else', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
  });
});
