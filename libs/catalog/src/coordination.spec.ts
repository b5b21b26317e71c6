import { CallContext, GatewayError, Image, ImageProvider, type RedisClient } from '@images/core';
import { deleteKeysWithPrefix, recordingDeps, testRedisClient, uniquePrefix } from '@images/testing';
import { MemoryCatalogStore, RedisCatalogStore, TieredCatalogStore } from './catalog-store';
import { RedisCoordination } from './coordination';
import { CatalogEngine, EngineOptions } from './engine';

function image(n: number, name = `img-${n}`): Image {
  return {
    id: `p:${n}`, provider: 'p', providerImageId: String(n), name, description: null, status: 'available', providerStatus: null,
    visibility: 'public', osType: 'linux', platform: null, osVersion: null, architecture: null, bits: null, diskFormat: null,
    sizeBytes: null, minDiskGiB: null, minRamMiB: null, regions: [], createdAt: null, updatedAt: null, extra: {},
  };
}

/** One vendor behind every replica: counts the catalog fetches that reached it. */
class CountingProvider implements ImageProvider {
  readonly id = 'p';
  readonly displayName = 'p';
  readonly capabilities = ['list'] as const;
  readonly accountScope = 'scope';
  calls = 0;
  delayMs = 150;
  failing = false;
  name = 'img';
  async listCatalog(ctx: CallContext): Promise<Image[]> {
    this.calls++;
    const failing = this.failing;
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (ctx.signal.aborted) throw new GatewayError('UPSTREAM_TIMEOUT', { provider: 'p' });
    if (failing) throw new GatewayError('UPSTREAM_UNAVAILABLE', { provider: 'p' });
    return [image(1, this.name), image(2)];
  }
}

const options: EngineOptions = {
  cacheTtlSeconds: 60, cacheStaleSeconds: 600, providerTimeoutMs: 3000, circuitFailureThreshold: 5, circuitHalfOpenAfterMs: 1000, keyPrefix: '', leaseMs: 300,
};

describe('CatalogEngine across replicas sharing Redis', () => {
  const clients: RedisClient[] = [];
  const coordinations: RedisCoordination[] = [];
  let admin: RedisClient;
  let prefix: string;

  beforeEach(() => {
    admin = testRedisClient();
    clients.push(admin);
    prefix = uniquePrefix('coordination');
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(admin, prefix);
    await Promise.all(coordinations.splice(0).map((c) => c.close()));
    await Promise.all(clients.splice(0).map((c) => c.quit()));
  });

  function replica(provider: CountingProvider, extra: Partial<EngineOptions> = {}) {
    const redis = testRedisClient();
    const subscriber = testRedisClient();
    clients.push(redis);
    const { logger } = recordingDeps();
    const engineOptions = { ...options, keyPrefix: prefix, ...extra };
    const freshMs = engineOptions.cacheTtlSeconds * 1000;
    const store = new TieredCatalogStore(new MemoryCatalogStore(), new RedisCatalogStore(redis, logger), freshMs, freshMs + engineOptions.cacheStaleSeconds * 1000);
    const coordination = new RedisCoordination(redis, subscriber, prefix, logger);
    coordinations.push(coordination);
    const engine = new CatalogEngine([provider], store, engineOptions, { onSlice: () => undefined, onCircuitChange: () => undefined, onFetch: () => undefined }, logger, coordination);
    return engine;
  }

  it('makes one upstream fetch for 40 concurrent cold requests split over two replicas', async () => {
    const provider = new CountingProvider();
    // The default lease: with 300 ms, one late renewal on a busy CI process lets the other replica take over.
    const [a, b] = [replica(provider, { leaseMs: 2000 }), replica(provider, { leaseMs: 2000 })];
    const slices = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).slices(['p'], { bypassCache: false })));
    expect(provider.calls).toBe(1);
    expect(slices.every(([slice]) => slice.status === 'ok' && slice.images.length === 2)).toBe(true);
  });

  it('takes over when the lease holder dies without a catalog', async () => {
    const provider = new CountingProvider();
    const engine = replica(provider);
    // A replica that took the lease and died: nobody renews or releases it.
    await admin.set(`${engine.cacheKey(provider)}:lease`, 'dead-replica', 'PX', 300);
    const started = performance.now();
    const [slice] = await engine.slices(['p'], { bypassCache: false });
    expect(slice.status).toBe('ok');
    expect(provider.calls).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('lets a waiting replica fetch for itself when the holder fails', async () => {
    const provider = new CountingProvider();
    provider.failing = true;
    const [a, b] = [replica(provider), replica(provider)];
    const pending = a.slices(['p'], { bypassCache: false });
    // Holder a's call has begun (and will fail) before the vendor recovers for b: a loaded machine cannot swap them.
    while (provider.calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    provider.failing = false;
    const [[sa], [sb]] = await Promise.all([pending, b.slices(['p'], { bypassCache: false })]);
    expect(sa.status).toBe('error');
    expect(sb.status).toBe('ok');
    expect(provider.calls).toBe(2);
  });

  it("drops every replica's in-process copy when one of them writes", async () => {
    const provider = new CountingProvider();
    const [a, b] = [replica(provider), replica(provider)];
    await a.slices(['p'], { bypassCache: false });
    const [warm] = await b.slices(['p'], { bypassCache: false });
    expect([warm.cache, provider.calls]).toEqual(['hit', 1]);
    provider.name = 'renamed';
    await a.invalidate('p');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [after] = await b.slices(['p'], { bypassCache: false });
    expect(after.cache).toBe('miss');
    expect(after.images[0].name).toBe('renamed');
    expect(provider.calls).toBe(2);
  });

  it('refreshes a catalog read late in its life in the background, once across replicas', async () => {
    const provider = new CountingProvider();
    const [a, b] = [replica(provider, { cacheTtlSeconds: 1, refreshAheadRatio: 0.5 }), replica(provider, { cacheTtlSeconds: 1, refreshAheadRatio: 0.5 })];
    await a.slices(['p'], { bypassCache: false });
    await b.slices(['p'], { bypassCache: false });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const started = performance.now();
    const answers = await Promise.all([a, b, a, b].map((engine) => engine.slices(['p'], { bypassCache: false })));
    expect(performance.now() - started).toBeLessThan(provider.delayMs);
    expect(answers.every(([slice]) => slice.cache === 'hit')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(provider.calls).toBe(2);
    // Past the first catalog's TTL, both replicas still answer from the refreshed one.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [[late]] = await Promise.all([b.slices(['p'], { bypassCache: false })]);
    expect(late.cache).toBe('hit');
    expect(provider.calls).toBe(2);
  });

  it("adopts another replica's refresh instead of refreshing again when its own copy comes due later", async () => {
    const provider = new CountingProvider();
    const options = { cacheTtlSeconds: 2, refreshAheadRatio: 0.5 };
    const [a, b] = [replica(provider, options), replica(provider, options)];
    await a.slices(['p'], { bypassCache: false });
    await b.slices(['p'], { bypassCache: false });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await a.slices(['p'], { bypassCache: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(provider.calls).toBe(2);
    // B's own copy is still fresh but due: it finds A's newer catalog in Redis rather than asking the vendor.
    const [slice] = await b.slices(['p'], { bypassCache: false });
    expect(slice.cache).toBe('hit');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(provider.calls).toBe(2);
  });
});

describe('RedisCoordination subscribing late', () => {
  it('subscribes once its connection is ready when Redis was not reachable at construction', async () => {
    const publisher = testRedisClient();
    // No offline queue and not yet connected: the first subscribe fails (it only starts the connection), as with
    // Redis down at start-up; the subscription must come from the connection's 'ready'.
    const subscriber = testRedisClient(undefined, { lazy: true });
    const prefix = uniquePrefix('late-subscribe');
    const coordination = new RedisCoordination(publisher, subscriber, prefix, recordingDeps().logger);
    const heard: string[] = [];
    coordination.onInvalidation((key) => heard.push(key));
    try {
      const deadline = Date.now() + 2000;
      while (heard.length === 0 && Date.now() < deadline) {
        await publisher.publish(`${prefix}catalog:invalidations`, 'k1');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(heard[0]).toBe('k1');
    } finally {
      await coordination.close();
      await publisher.quit();
    }
  });
});
