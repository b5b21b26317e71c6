import { Cluster, Redis, RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisClient } from '@images/core';
import type { RedisSettings } from '../config/redis-config';

const READY_WAIT_MS = 2000;

/** Reconnect soon, then every 2 s at most. */
const reconnectDelay = (attempt: number) => Math.min(100 * 2 ** attempt, 2000);

/**
 * What every connection to a Redis node does: fail fast instead of stalling requests (one retry, a command timeout);
 * the gateway serves from process memory meanwhile.
 */
const NODE_OPTIONS = { maxRetriesPerRequest: 1, commandTimeout: 500, connectTimeout: 2000 } satisfies RedisOptions;

/**
 * A Redis client that fails fast instead of stalling requests: no offline queue, a command timeout. It reconnects
 * by itself (a cluster follows its slots to the promoted replica; a Sentinel client asks the sentinels for the new
 * master, told at once of a switch); errors are logged at most once per outage.
 */
export async function connectRedis(settings: RedisSettings, logger: Logger): Promise<RedisClient> {
  const redis = createClient(settings);
  let down = false;
  redis.on('error', (error: Error) => {
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

function createClient(settings: RedisSettings): RedisClient {
  const password = settings.password ?? undefined;
  switch (settings.mode) {
    case 'standalone':
      return new Redis(settings.url, { ...NODE_OPTIONS, password, enableOfflineQueue: false, retryStrategy: reconnectDelay, lazyConnect: true });
    case 'sentinel':
      return new Redis({
        ...NODE_OPTIONS,
        sentinels: settings.sentinels,
        name: settings.masterName,
        password,
        sentinelPassword: settings.sentinelPassword ?? undefined,
        // Subscribes to the sentinels' +switch-master: a failover is followed at once, not at the next failed command.
        failoverDetector: true,
        enableOfflineQueue: false,
        retryStrategy: reconnectDelay,
        lazyConnect: true,
      });
    case 'cluster':
      return new Cluster(settings.nodes, {
        redisOptions: { ...NODE_OPTIONS, password },
        enableOfflineQueue: false,
        clusterRetryStrategy: reconnectDelay,
        // While a master fails over, a command is retried on the refreshed slots a few times, then fails (a miss).
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 200,
        maxRedirections: 8,
        slotsRefreshTimeout: 1000,
        lazyConnect: true,
      });
  }
}

/**
 * A second connection for pub/sub (a subscribed connection can send no other command). Not awaited: the
 * coordination subscribes on its 'ready', so a Redis that is down never delays start-up a second time. In a cluster,
 * PUBLISH reaches every node, and the client moves its subscription to another node when its node goes.
 */
export function connectSubscriber(redis: RedisClient): RedisClient {
  const subscriber: RedisClient = redis instanceof Cluster ? redis.duplicate() : redis.duplicate();
  // Its errors are the main connection's errors, already logged once per outage.
  subscriber.on('error', () => undefined);
  void subscriber.connect().catch(() => undefined);
  return subscriber;
}
