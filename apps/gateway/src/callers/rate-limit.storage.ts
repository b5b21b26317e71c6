import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Logger } from 'pino';
import { type RedisClient, withinBudget } from '@images/core';

/** Hits in the current window of a key, and the time left in it. */
export interface WindowCount {
  hits: number;
  ttlMs: number;
}

export interface WindowCounter {
  count(key: string, windowMs: number): Promise<WindowCount>;
}

// One fixed window per key, atomically: the first hit starts it.
const WINDOW_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {hits, ttl}`;

/** How long a request may wait for Redis to count it: a slow Redis must not slow every request. */
const REDIS_BUDGET_MS = 100;
/** After a Redis failure, count in memory for this long before asking Redis again. */
const REDIS_RETRY_AFTER_MS = 1000;

type WindowCommand = { countWindow(key: string, windowMs: string): Promise<[number, number]> };

/** Windows shared by every replica: one script call per count, sent by its SHA after the first (ioredis' defineCommand). */
export class RedisWindows implements WindowCounter {
  private readonly redis: RedisClient & WindowCommand;

  constructor(redis: RedisClient) {
    redis.defineCommand('countWindow', { numberOfKeys: 1, lua: WINDOW_SCRIPT });
    this.redis = redis as RedisClient & WindowCommand;
  }

  async count(key: string, windowMs: number): Promise<WindowCount> {
    const [hits, ttlMs] = await this.redis.countWindow(key, String(windowMs));
    return { hits: Number(hits), ttlMs: Number(ttlMs) };
  }
}

/** This replica's windows: the whole store without Redis, the fallback while Redis fails. Bounded. */
export class MemoryWindows implements WindowCounter {
  private readonly windows = new Map<string, { hits: number; endsAt: number }>();

  constructor(private readonly maxKeys = 100_000) {}

  async count(key: string, windowMs: number): Promise<WindowCount> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      this.windows.delete(key);
      // Full: the oldest window goes (insertion order), at constant cost; expired ones are replaced as they are met.
      if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value as string);
      window = { hits: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.hits++;
    return { hits: window.hits, ttlMs: window.endsAt - now };
  }
}

/**
 * Redis first, within a short budget; while Redis fails or is slow, this replica counts alone. Never refuses because
 * Redis is down, and never waits on it for long.
 */
export class SharedWindows implements WindowCounter {
  private retryRedisAt = 0;

  constructor(
    private readonly redis: WindowCounter,
    private readonly local: WindowCounter,
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
  ) {}

  async count(key: string, windowMs: number): Promise<WindowCount> {
    if (Date.now() >= this.retryRedisAt) {
      try {
        const counted = await withinBudget(this.redis.count(key, windowMs), performance.now() + REDIS_BUDGET_MS, () => {
          throw new Error(`redis did not count within ${REDIS_BUDGET_MS} ms`);
        });
        if (this.retryRedisAt !== 0) this.logger.info('rate limits are shared through redis again');
        this.retryRedisAt = 0;
        return counted;
      } catch (error) {
        if (this.retryRedisAt === 0) this.logger.warn({ err: (error as Error).message }, 'rate limits are counted per replica while redis fails');
        this.retryRedisAt = Date.now() + REDIS_RETRY_AFTER_MS;
      }
    }
    return this.local.count(key, windowMs);
  }
}

/** @nestjs/throttler's storage over our windows: blocked for the rest of the window once over the limit. */
export class RateLimitStorage implements ThrottlerStorage {
  constructor(
    private readonly windows: WindowCounter,
    private readonly keyPrefix: string,
  ) {}

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string): ReturnType<ThrottlerStorage['increment']> {
    const { hits, ttlMs } = await this.windows.count(`${this.keyPrefix}rl:v1:${throttlerName}:${key}`, ttl);
    const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
    const blocked = hits > limit;
    return { totalHits: hits, timeToExpire: seconds, isBlocked: blocked, timeToBlockExpire: blocked ? seconds : 0 };
  }
}
