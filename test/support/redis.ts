import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** Tests use their own database and a unique key prefix, and delete their keys afterwards (never FLUSHALL). */
export const TEST_REDIS_DB = Number(process.env.TEST_REDIS_DB ?? 11);
export const TEST_REDIS_HOST = process.env.TEST_REDIS_HOST ?? '127.0.0.1';
export const TEST_REDIS_PORT = Number(process.env.TEST_REDIS_PORT ?? 6379);

export function testRedisUrl(port = TEST_REDIS_PORT): string {
  return `redis://${TEST_REDIS_HOST}:${port}/${TEST_REDIS_DB}`;
}

export function uniquePrefix(label: string): string {
  return `test:${label}:${randomBytes(4).toString('hex')}:`;
}

export function testRedisClient(port = TEST_REDIS_PORT): Redis {
  return new Redis(testRedisUrl(port), { maxRetriesPerRequest: 1, lazyConnect: false });
}

export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
