import type { RedisClient } from '@images/core';
import { RunningSim } from '../apps/vendor-sim/src';
import { deleteKeysWithPrefix, keysMatching, testRedisClient, uniquePrefix } from './support/redis';
import { SimAdmin, VENDORS, getJson, startGateway, startSim } from './support/stack';

function totalRequests(stats: Record<string, { requests: number }>): Record<string, number> {
  return Object.fromEntries(VENDORS.map((v) => [v, stats[v]?.requests ?? 0]));
}

/** Redis is written in the background, just after the answer: wait (briefly) for the keys. */
async function keysAppear(redis: RedisClient, pattern: string, count: number): Promise<string[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const keys = await keysMatching(redis, pattern);
    if (keys.length >= count) return keys;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${count} keys match ${pattern}`);
}

describe('the catalog cache (real Redis)', () => {
  let sim: RunningSim;
  let admin: SimAdmin;
  let redis: RedisClient;

  beforeAll(async () => {
    sim = await startSim();
    admin = new SimAdmin(sim);
    redis = testRedisClient();
  });
  afterAll(async () => {
    await redis.quit();
    await sim?.close();
  });

  it('serves a second gateway replica from Redis with no upstream call', async () => {
    const keyPrefix = uniquePrefix('shared');
    const first = await startGateway(sim, { keyPrefix });
    const second = await startGateway(sim, { keyPrefix });
    try {
      const cold = await getJson(`${first.url}/images?limit=3`);
      expect(cold.body.sources.every((s: { cache: string }) => s.cache === 'miss')).toBe(true);
      await keysAppear(redis, `${keyPrefix}catalog:*`, VENDORS.length);
      await admin.resetStats();
      const warm = await getJson(`${second.url}/images?limit=3`);
      expect(warm.body.sources.every((s: { cache: string; status: string }) => s.cache === 'hit' && s.status === 'ok')).toBe(true);
      expect(warm.body.items).toEqual(cold.body.items);
      expect(Object.values(totalRequests(await admin.stats()))).toEqual([0, 0, 0, 0]);
      const keys = await keysMatching(redis, `${keyPrefix}catalog:*`);
      expect(keys.map((k) => /^catalog:v1:\{([^:]+):/.exec(k.slice(keyPrefix.length))?.[1]).sort()).toEqual([...VENDORS].sort());
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('makes exactly one upstream fetch per catalog page for 50 concurrent cold requests', async () => {
    // One cold request tells how many pages each catalog has.
    await admin.resetStats();
    const single = await startGateway(sim);
    await getJson(`${single.url}/images?limit=1`);
    const pagesPerVendor = totalRequests(await admin.stats());
    await single.close();
    for (const vendor of VENDORS) expect(pagesPerVendor[vendor]).toBeGreaterThanOrEqual(2);

    await admin.resetStats();
    const gateway = await startGateway(sim);
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, () => getJson(`${gateway.url}/images?limit=10`)));
      expect(answers.every((a) => a.status === 200 && a.body.complete === true)).toBe(true);
      expect(totalRequests(await admin.stats())).toEqual(pagesPerVendor);
    } finally {
      await gateway.close();
    }
  });

  it('refreshes a catalog once its TTL has passed, and keeps the key for the stale window', async () => {
    // STALE_WAIT_MS at the whole budget: a refresh slower than the default 300 ms (a loaded CI) would answer stale.
    const gateway = await startGateway(sim, { env: { CACHE_TTL_SECONDS: '1', CACHE_STALE_SECONDS: '5', STALE_WAIT_MS: '5000' } });
    try {
      await getJson(`${gateway.url}/images?provider=huawei&limit=1`);
      const [key] = await keysAppear(redis, `${gateway.keyPrefix}catalog:v1:{huawei:*}`, 1);
      const pttl = await redis.pttl(key);
      expect(pttl).toBeGreaterThan(5000);
      expect(pttl).toBeLessThanOrEqual(6000);

      const hit = await getJson(`${gateway.url}/images?provider=huawei&limit=1`);
      expect(hit.body.sources[0].cache).toBe('hit');
      await admin.resetStats();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const expired = await getJson(`${gateway.url}/images?provider=huawei&limit=1`);
      expect(expired.body.sources[0]).toMatchObject({ cache: 'miss', status: 'ok', ageSeconds: 0 });
      expect((await admin.stats()).huawei.requests).toBeGreaterThan(0);
    } finally {
      await gateway.close();
    }
  });

  it('bypasses the cache for refresh=true and for Cache-Control: no-cache', async () => {
    const gateway = await startGateway(sim);
    try {
      await getJson(`${gateway.url}/images?provider=cecstack&limit=1`);
      await admin.resetStats();
      const refreshed = await getJson(`${gateway.url}/images?provider=cecstack&limit=1&refresh=true`);
      expect(refreshed.body.sources[0].cache).toBe('bypass');
      const noCache = await getJson(`${gateway.url}/images?provider=cecstack&limit=1`, { 'cache-control': 'no-cache' });
      expect(noCache.body.sources[0].cache).toBe('bypass');
      expect((await admin.stats()).cecstack.requests).toBeGreaterThanOrEqual(6);
    } finally {
      await gateway.close();
    }
  });

  it('scopes cache keys to the account, so other credentials never read this catalog', async () => {
    const keyPrefix = uniquePrefix('scope');
    const a = await startGateway(sim, { keyPrefix });
    const b = await startGateway(sim, { keyPrefix, env: { DIDI_REGIONS: 'bj' } });
    try {
      await getJson(`${a.url}/images?provider=didi&limit=1`);
      await admin.resetStats();
      const other = await getJson(`${b.url}/images?provider=didi&limit=1`);
      expect(other.body.sources[0].cache).toBe('miss');
      expect((await admin.stats()).didi.requests).toBeGreaterThan(0);
    } finally {
      await b.close();
      await a.close();
      await deleteKeysWithPrefix(redis, keyPrefix);
    }
  });

  it('works without Redis, from the in-process cache, and says so', async () => {
    const gateway = await startGateway(sim, { redis: false });
    try {
      await getJson(`${gateway.url}/images?limit=1`);
      const again = await getJson(`${gateway.url}/images?limit=1`);
      expect(again.body.sources.every((s: { cache: string }) => s.cache === 'hit')).toBe(true);
      expect(gateway.logs.some((line) => line.includes('REDIS_URL is not set'))).toBe(true);
      const health = await getJson(`${gateway.url}/health`);
      expect(health.body.details.cache).toMatchObject({ status: 'up', backend: 'memory' });
    } finally {
      await gateway.close();
    }
  });

  it('never stalls when Redis is unreachable: requests are answered from upstream and memory', async () => {
    const gateway = await startGateway(sim, { env: { REDIS_URL: 'redis://127.0.0.1:1/0' } });
    try {
      const started = Date.now();
      const first = await getJson(`${gateway.url}/images?limit=1`);
      const second = await getJson(`${gateway.url}/images?limit=1`);
      expect(first.status).toBe(200);
      expect(second.body.sources.every((s: { cache: string }) => s.cache === 'hit')).toBe(true);
      expect(Date.now() - started).toBeLessThan(3000);
      const health = await getJson(`${gateway.url}/health`);
      expect(health.status).toBe(200);
      expect(health.body.details.cache.status).toBe('down');
      expect((await getJson(`${gateway.url}/health/ready`)).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});
