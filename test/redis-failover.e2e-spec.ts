import { Cluster, Redis } from 'ioredis';
import type { Image, RedisClient } from '@images/core';
import { RunningSim } from '../apps/vendor-sim/src';
import { keysMatching, uniquePrefix } from './support/redis';
import { RedisCluster, RedisSentinelSet, startRedisCluster, startRedisSentinelSet } from './support/redis-topologies';
import { CECSTACK_ACCOUNT_ENV, Gateway, getJson, sendJson, startGateway, startSim } from './support/stack';
import { STEP_MS, eventually, sleep } from './support/suite-setup';

// A Redis master lost under load, on a real Redis Cluster (three masters, a replica each) and a real Sentinel set
// (master, replica, one sentinel): two gateway replicas keep answering every request, and follow the failover (they
// write catalogs to the promoted node and hear each other's invalidations through it). Not timed: counts only.

/** Lists of every provider and of a few, a refresh among them (a catalog write to Redis), from `connections` loops. */
const PATHS = ['/images?limit=5', '/images?provider=didi&limit=5', '/images?provider=huawei,ucloud&limit=5', '/images?provider=cecstack&refresh=true&limit=5'];

function startLoad(gateways: Gateway[], connections: number) {
  const count = { requests: 0, failures: [] as string[] };
  let running = true;
  const loop = async (start: number) => {
    for (let n = start; running; n += connections) {
      const url = `${gateways[n % gateways.length].url}${PATHS[n % PATHS.length]}`;
      try {
        const response = await fetch(url);
        await response.arrayBuffer();
        if (response.status !== 200) count.failures.push(`${response.status} ${url}`);
      } catch (error) {
        count.failures.push(`${(error as Error).message} ${url}`);
      }
      count.requests++;
    }
  };
  const loops = Array.from({ length: connections }, (_, i) => loop(i));
  return {
    count,
    async stop() {
      running = false;
      await Promise.all(loops);
      return count;
    },
  };
}

interface Topology {
  /** The gateway's Redis variables. */
  env: Record<string, string>;
  /** A client of the shared store, as the test reads it. */
  client(): RedisClient;
  /** Kills the master that holds `key`; resolves with its port. */
  killMasterOf(key: string): Promise<number>;
  failedOver(killedPort: number): Promise<void>;
}

/** The failover under load, then the checks that the gateways follow it; the same for both topologies. */
function failoverSuite(name: string, start: () => Promise<Topology & { stop(): Promise<void> }>) {
  describe(name, () => {
    let sim: RunningSim;
    let topology: Topology & { stop(): Promise<void> };
    const gateways: Gateway[] = [];
    const keyPrefix = uniquePrefix('failover');

    beforeAll(async () => {
      [topology, sim] = await Promise.all([start(), startSim({ stepMs: STEP_MS })]);
      // A long TTL: what a replica serves after a write shows whether the other's invalidation reached it.
      const env = { ...topology.env, ...CECSTACK_ACCOUNT_ENV, CACHE_TTL_SECONDS: '300', RATE_LIMIT_PER_MINUTE: '10000000', LOG_LEVEL: 'info' };
      for (let i = 0; i < 2; i++) gateways.push(await startGateway(sim, { redis: false, keyPrefix, env }));
    }, 90_000);
    afterAll(async () => {
      for (const gateway of gateways.splice(0)) await gateway.close();
      await Promise.all([topology?.stop(), sim?.close()]);
    });

    it('answers every request while a master is killed, and the gateways follow the failover', async () => {
      for (const gateway of gateways) expect((await getJson(`${gateway.url}/images?limit=1`)).status).toBe(200);
      const probe = topology.client();
      try {
        const [didiKey] = await eventually(() => keysMatching(probe, `${keyPrefix}catalog:v1:{didi:*`), (keys) => keys.length === 1);
        const load = startLoad(gateways, 6);
        await sleep(1000);
        const beforeKill = load.count.requests;
        const killed = await topology.killMasterOf(didiKey);
        await topology.failedOver(killed);
        const duringFailover = load.count.requests - beforeKill;
        await sleep(2000);
        const { requests, failures } = await load.stop();
        expect({ failures, requestsDuringFailover: duringFailover > 0 }).toEqual({ failures: [], requestsDuringFailover: true });
        expect(requests).toBeGreaterThan(duringFailover);

        // A refresh writes didi's catalog to the promoted master.
        const refreshedAfter = Date.now();
        expect((await getJson(`${gateways[0].url}/images?provider=didi&refresh=true&limit=1`)).status).toBe(200);
        const after = topology.client();
        try {
          await eventually(async () => JSON.parse((await after.get(didiKey)) ?? '{"fetchedAt":0}').fetchedAt as number, (fetchedAt) => fetchedAt >= refreshedAfter);
        } finally {
          after.disconnect();
        }
        for (const gateway of gateways) {
          await eventually(async () => (await getJson(`${gateway.url}/health`)).body.details.cache.status, (status) => status === 'up');
          expect(gateway.logs.some((line) => line.includes('catalog cache in redis'))).toBe(true);
          expect(gateway.logs.filter((line) => line.includes(PASSWORD))).toEqual([]);
        }
      } finally {
        probe.disconnect();
      }
    });

    it('after the failover, a write through one replica shows at once on the other, whose catalog was warm', async () => {
      const [writer, reader] = gateways;
      const list = async (gateway: Gateway) => (await getJson(`${gateway.url}/images?provider=didi&limit=200`)).body.items as Image[];
      const [target] = (await list(reader)).filter((image) => image.visibility === 'private' && image.status === 'available');
      expect((await getJson(`${reader.url}/images?provider=didi&limit=1`)).body.sources[0].cache).toBe('hit');
      expect((await sendJson('PATCH', `${writer.url}/images/${target.id}`, { name: `renamed-after-failover` })).status).toBe(200);
      expect((await list(reader)).find((image) => image.id === target.id)?.name).toBe('renamed-after-failover');
    });
  });
}

// The nodes ask for a password, as production ones do: the gateway's REDIS_PASSWORD, kept out of its logs.
const PASSWORD = 'failover-redis-secret-5d1';

failoverSuite('a Redis Cluster losing a master', async () => {
  const cluster: RedisCluster = await startRedisCluster(7111, { password: PASSWORD });
  const seeds = cluster.seeds.split(',').map((seed) => ({ host: '127.0.0.1', port: Number(seed.split(':')[1]) }));
  return {
    env: { REDIS_CLUSTER_NODES: cluster.seeds, REDIS_PASSWORD: PASSWORD },
    client: () => new Cluster(seeds, { redisOptions: { maxRetriesPerRequest: 1, password: PASSWORD } }),
    async killMasterOf(key) {
      const port = await cluster.masterOf(key);
      await cluster.kill(port);
      return port;
    },
    failedOver: (port) => cluster.failedOver(port),
    stop: () => cluster.stop(),
  };
});

failoverSuite('a Sentinel master lost', async () => {
  const set: RedisSentinelSet = await startRedisSentinelSet(7201, { password: PASSWORD });
  const [host, port] = set.sentinels.split(':');
  return {
    env: { REDIS_SENTINELS: set.sentinels, REDIS_SENTINEL_NAME: set.masterName, REDIS_PASSWORD: PASSWORD },
    client: () => {
      // Gives up once the sentinel is gone (ioredis otherwise keeps asking a sentinel set that was stopped).
      const client = new Redis({ sentinels: [{ host, port: Number(port) }], name: set.masterName, password: PASSWORD, maxRetriesPerRequest: 1, sentinelRetryStrategy: () => null });
      client.on('error', () => undefined);
      return client;
    },
    async killMasterOf() {
      const master = (await set.masterPort())!;
      await set.kill(master);
      return master;
    },
    async failedOver(killed) {
      await set.failedOver(killed);
    },
    stop: () => set.stop(),
  };
});
