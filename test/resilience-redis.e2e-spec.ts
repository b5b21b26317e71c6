import { GatewayProcess, RedisServer, spawnGateway, startRedisServer } from './support/processes';
import { deleteKeysWithPrefix, testRedisClient, testRedisUrl, uniquePrefix } from './support/redis';
import { SimAdmin, VENDORS, getJson, simEnv, startGateway } from './support/stack';
import { sleep, useSim, useSimAndGateway } from './support/suite-setup';

// Resilience around the shared Redis: a Redis killed and restarted under load, and two gateway processes that
// share one Redis making no more upstream requests than one.

/** Upstream requests the simulators saw, per vendor. */
async function upstreamRequests(admin: SimAdmin): Promise<Record<string, number>> {
  const stats = await admin.stats();
  return Object.fromEntries(VENDORS.map((vendor) => [vendor, stats[vendor]?.requests ?? 0]));
}

describe('Redis killed mid-run', () => {
  let redis: RedisServer;
  const suite = useSimAndGateway({}, async (sim) => {
    redis = await startRedisServer();
    // STALE_WAIT_MS at the whole budget: catalogs expire every second here, and under a loaded CI a refresh can take
    // longer than the default 300 ms wait, which would answer stale (complete: false) for reasons unrelated to Redis.
    return startGateway(sim, { redisPort: redis.port, env: { CACHE_TTL_SECONDS: '1', PROVIDER_TIMEOUT_MS: '2000', STALE_WAIT_MS: '2000' } });
  }, () => redis.stop());

  it('answers every request while Redis is gone, then uses it again once it is back', async () => {
    const outcomes: Array<{ status: number; ms: number; complete: boolean }> = [];
    let running = true;
    const client = async () => {
      while (running) {
        const started = performance.now();
        const { status, body } = await getJson(`${suite.gateway.url}/images?limit=5`).catch(() => ({ status: 0, body: {} as { complete?: boolean } }));
        outcomes.push({ status, ms: performance.now() - started, complete: body.complete === true });
      }
    };
    const clients = Array.from({ length: 8 }, client);

    await sleep(500);
    await redis.kill();
    await sleep(1500);
    const duringOutage = await getJson(`${suite.gateway.url}/health`);
    expect(duringOutage.status).toBe(200);
    expect(duringOutage.body.details.cache).toMatchObject({ status: 'down', backend: 'redis' });
    expect((await fetch(`${suite.gateway.url}/health/ready`)).status).toBe(200);

    await redis.restart();
    await sleep(2500);
    running = false;
    await Promise.all(clients);

    expect(outcomes.length).toBeGreaterThan(50);
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    expect(outcomes.filter((o) => !o.complete)).toEqual([]);
    // Every answer inside the provider budget, with room to spare for scheduling.
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(2500);

    const after = await getJson(`${suite.gateway.url}/health`);
    expect(after.body.details.cache).toMatchObject({ status: 'up', backend: 'redis' });
    // The restarted (empty) Redis holds the catalogs again: writes resumed without a restart of the gateway.
    await getJson(`${suite.gateway.url}/images?refresh=true&limit=1`);
    await sleep(200);
    const probe = testRedisClient(redis.port);
    try {
      const keys = await probe.keys(`${suite.gateway.keyPrefix}catalog:*`);
      expect(keys.filter((k) => !k.endsWith(':lease')).length).toBe(VENDORS.length);
    } finally {
      await probe.quit();
    }
  });
});

describe('two gateway processes sharing one Redis', () => {
  const processes: GatewayProcess[] = [];
  const prefixes: string[] = [];
  // Each vendor page takes a while, so concurrent cold requests really overlap.
  const suite = useSim({ latencyMs: 150 }, {
    tearDown: async () => {
      await Promise.all(processes.map((p) => p.kill('SIGKILL')));
      const redis = testRedisClient();
      for (const prefix of prefixes) await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
    },
  });

  async function coldRun(replicas: number): Promise<{ requests: Record<string, number>; statuses: number[] }> {
    const prefix = uniquePrefix('replicas');
    prefixes.push(prefix);
    const env = { ...simEnv(suite.sim), REDIS_URL: testRedisUrl(), CACHE_KEY_PREFIX: prefix, PROVIDER_TIMEOUT_MS: '5000', LOG_LEVEL: 'warn', SHUTDOWN_DELAY_MS: '0' };
    const started = await Promise.all(Array.from({ length: replicas }, () => spawnGateway(env)));
    processes.push(...started);
    await suite.admin.resetStats();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => getJson(`${started[i % replicas].url}/images?limit=3`)));
    const requests = await upstreamRequests(suite.admin);
    await Promise.all(started.map((p) => p.kill('SIGTERM')));
    return { requests, statuses: answers.map((a) => a.status) };
  }

  it('makes as many upstream requests for 40 concurrent cold requests as one process does', async () => {
    const single = await coldRun(1);
    const pair = await coldRun(2);
    expect(single.statuses.every((s) => s === 200)).toBe(true);
    expect(pair.statuses.every((s) => s === 200)).toBe(true);
    expect(Object.values(single.requests).every((n) => n > 0)).toBe(true);
    expect(pair.requests).toEqual(single.requests);
  });
});
