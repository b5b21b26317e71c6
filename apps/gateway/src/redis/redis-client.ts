import { Redis } from 'ioredis';
import type { Logger } from 'pino';

const READY_WAIT_MS = 2000;

/**
 * A Redis client that fails fast instead of stalling requests: no offline queue, one retry, a command timeout.
 * It reconnects by itself; errors are logged at most once per outage.
 */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
    lazyConnect: true,
  });
  let down = false;
  redis.on('error', (error) => {
    if (!down) logger.warn({ err: error.message }, 'redis unavailable; serving from the in-process cache until it returns');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis reconnected');
    down = false;
  });
  // Start-up waits briefly for Redis, but never depends on it.
  await Promise.race([redis.connect().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, READY_WAIT_MS).unref())]);
  return redis;
}

/**
 * A second connection for pub/sub (a subscribed connection can send no other command). Not awaited: the
 * coordination subscribes on its 'ready', so a Redis that is down never delays start-up a second time.
 */
export function connectSubscriber(redis: Redis): Redis {
  const subscriber = redis.duplicate();
  // Its errors are the main connection's errors, already logged once per outage.
  subscriber.on('error', () => undefined);
  void subscriber.connect().catch(() => undefined);
  return subscriber;
}

/** A URL safe to log: the password is never printed. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
