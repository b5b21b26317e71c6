import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '@images/core';

/** Tests use their own database and a unique key prefix, and delete their keys afterwards (never FLUSHALL). */
export const TEST_REDIS_DB = Number(process.env.TEST_REDIS_DB ?? 11);
export const TEST_REDIS_HOST = process.env.TEST_REDIS_HOST ?? '127.0.0.1';
export const TEST_REDIS_PORT = Number(process.env.TEST_REDIS_PORT ?? 6379);

/**
 * Set (`host:port,…`): the Redis suites run against this Redis Cluster instead (db 0, the only one a cluster has;
 * the key prefixes keep tests apart). The cluster suites set it for the suites they run again.
 */
export function testRedisClusterNodes(): string | null {
  return process.env.TEST_REDIS_CLUSTER_NODES || null;
}

export function testRedisUrl(port = TEST_REDIS_PORT): string {
  return `redis://${TEST_REDIS_HOST}:${port}/${TEST_REDIS_DB}`;
}

/** The gateway's variables for the test Redis: the cluster's seeds when one is set, else the test database's URL. */
export function testRedisEnv(port = TEST_REDIS_PORT): Record<string, string> {
  const nodes = testRedisClusterNodes();
  return nodes ? { REDIS_CLUSTER_NODES: nodes } : { REDIS_URL: testRedisUrl(port) };
}

export function uniquePrefix(label: string): string {
  return `test:${label}:${randomBytes(4).toString('hex')}:`;
}

/** `lazy`: not connected until asked, and no offline queue: a command before then fails, as with Redis down. */
export function testRedisClient(port = TEST_REDIS_PORT, { lazy = false } = {}): RedisClient {
  const nodes = testRedisClusterNodes();
  const maxRetriesPerRequest = lazy ? 0 : 1;
  const queue = lazy ? { lazyConnect: true, enableOfflineQueue: false } : {};
  if (nodes && port === TEST_REDIS_PORT) {
    const seeds = nodes.split(',').map((node) => ({ host: node.split(':')[0], port: Number(node.split(':')[1]) }));
    return new Cluster(seeds, { redisOptions: { maxRetriesPerRequest }, ...queue });
  }
  return new Redis(testRedisUrl(port), { maxRetriesPerRequest, ...queue });
}

/** Every key matching `pattern`: of each master in a cluster (SCAN and KEYS see one node's keys only). */
export async function keysMatching(redis: RedisClient, pattern: string): Promise<string[]> {
  if (redis instanceof Cluster && redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

export async function deleteKeysWithPrefix(redis: RedisClient, prefix: string): Promise<number> {
  const keys = await keysMatching(redis, `${prefix}*`);
  // One key per DEL: a cluster refuses keys of several slots in one command.
  const deleted = await Promise.all(keys.map((key) => redis.del(key)));
  return deleted.reduce((sum: number, count) => sum + count, 0);
}
