import type { Logger } from 'pino';
import { closeRedisClient, type RedisClient } from '@images/core';
import { describeRedis, RedisSettings } from '../config/redis-config';
import { connectRedis } from './redis-client';

const PING_TIMEOUT_MS = 300;

/** What a consumer builds on Redis when it is configured, and without it (this process alone). */
export interface SharedOrLocal<T> {
  redis(client: RedisClient): T;
  memory(): T;
}

/** `unreachable`: no answer at all (the gateway serves from memory meanwhile), rather than a strange one. */
export type PingResult = { up: true } | { up: false; reason: string; unreachable: boolean };

/**
 * The replica's Redis (a server, a Sentinel's master or a cluster), or the lack of one (no REDIS_URL,
 * REDIS_CLUSTER_NODES or REDIS_SENTINELS). Consumers never see a null client: they say what they
 * build either way, and this chooses.
 */
export abstract class RedisConnection {
  abstract readonly backend: 'redis' | 'memory';
  abstract choose<T>(implementations: SharedOrLocal<T>): T;
  abstract ping(): Promise<PingResult>;
  abstract close(): Promise<void>;

  static async open(settings: RedisSettings | null, logger: Logger): Promise<RedisConnection> {
    if (!settings) {
      logger.info('REDIS_URL is not set (nor REDIS_CLUSTER_NODES, REDIS_SENTINELS): catalogs are cached in process memory only');
      return new NoRedis();
    }
    logger.info({ redis: describeRedis(settings) }, 'catalog cache in redis, with an in-process first tier');
    return new ConnectedRedis(await connectRedis(settings, logger));
  }
}

class ConnectedRedis extends RedisConnection {
  readonly backend = 'redis' as const;

  constructor(private readonly client: RedisClient) {
    super();
  }

  choose<T>(implementations: SharedOrLocal<T>): T {
    return implementations.redis(this.client);
  }

  async ping(): Promise<PingResult> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const pong = await Promise.race([
        this.client.ping(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS))),
      ]);
      return pong === 'PONG' ? { up: true } : { up: false, reason: 'unexpected ping answer', unreachable: false };
    } catch (error) {
      return { up: false, reason: error instanceof Error ? error.message : 'unreachable', unreachable: true };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await closeRedisClient(this.client);
  }
}

class NoRedis extends RedisConnection {
  readonly backend = 'memory' as const;

  choose<T>(implementations: SharedOrLocal<T>): T {
    return implementations.memory();
  }

  async ping(): Promise<PingResult> {
    return { up: true };
  }

  async close(): Promise<void> {}
}
