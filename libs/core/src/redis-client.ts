import type { Cluster, Redis } from 'ioredis';

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
