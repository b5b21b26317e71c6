import { Cluster, type Redis } from 'ioredis';

/**
 * The shared store's client: one server (or a Sentinel's master), or a Redis Cluster. Both speak the same commands;
 * every key used with another in one command shares a hash tag, so a cluster serves it from one slot.
 */
export type RedisClient = Redis | Cluster;

/**
 * QUIT, and for a single-node client a disconnect after it: a Sentinel client's watch on the sentinels
 * (+switch-master) ends only then. A cluster ends by QUIT alone (a disconnect after it would interrupt its close).
 */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
    return;
  }
  if (!client.isCluster) client.disconnect();
}

/**
 * A connection of its own for blocking reads (XREAD, XREADGROUP … BLOCK): on the shared client they would hold up
 * every command behind them. Its command timeout outlasts the block, which the shared client's (500 ms) would cut.
 */
export function duplicateForBlocking(client: RedisClient, blockMs: number): RedisClient {
  const commandTimeout = blockMs + 2000;
  // Connected at once, and its one read at a time may wait for the connection: the shared client's options (lazy, no
  // offline queue) would refuse the first read of every start.
  const duplicate: RedisClient = client instanceof Cluster
    ? client.duplicate(undefined, { lazyConnect: false, enableOfflineQueue: true, redisOptions: { ...client.options.redisOptions, commandTimeout } })
    : client.duplicate({ commandTimeout, lazyConnect: false, enableOfflineQueue: true });
  duplicate.on('error', () => undefined);
  return duplicate;
}
