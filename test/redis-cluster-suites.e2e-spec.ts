import { RedisCluster, startRedisCluster } from './support/redis-topologies';

// The Redis suites again, on a real Redis Cluster of three masters and three replicas started here: the catalog
// store (a large write's MULTI in one slot), leases, invalidations across replicas, idempotency records, rate-limit
// windows, the cache of gateway replicas and durable webhook deliveries (consumer groups, takeovers).
// TEST_REDIS_CLUSTER_NODES points their clients and gateways at it.

const BASE_PORT = 7101;
process.env.TEST_REDIS_CLUSTER_NODES = Array.from({ length: 6 }, (_, i) => `127.0.0.1:${BASE_PORT + i}`).join(',');

let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster(BASE_PORT);
}, 60_000);
afterAll(() => cluster?.stop());

describe('on a Redis Cluster', () => {
  require('../libs/catalog/src/catalog-store.spec');
  require('../libs/catalog/src/coordination.spec');
  require('../libs/catalog/src/coordination-leases.spec');
  require('../apps/gateway/src/idempotency/idempotency.store.spec');
  require('../apps/gateway/src/webhooks/webhook-stream-reader.spec');
  require('./cache.e2e-spec');
  require('./writes-replicas.e2e-spec');
  require('./idempotency.e2e-spec');
  require('./limits-rate.e2e-spec');
  require('./webhooks-durable.e2e-spec');
});
