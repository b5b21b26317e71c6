import { randomUUID } from 'node:crypto';
import { closeRedisClient, ProviderLogger, type RedisClient } from '@images/core';
import { errorMessage } from './catalog-store';

/**
 * How replicas sharing one cache agree on who fetches a catalog and learn of each other's writes.
 * A lease is held while fetching; a holder that dies stops renewing it, and the lease lapses within `leaseMs`.
 */
export interface CatalogCoordination {
  /** True when other processes share the cache (a fresh catalog may appear in it without this process fetching). */
  readonly shared: boolean;
  /** A token when this process may fetch `key` now; null while another replica holds the lease. */
  acquire(key: string, leaseMs: number): Promise<string | null>;
  /** Extends a held lease; false when it was lost (expired and taken). */
  renew(key: string, token: string, leaseMs: number): Promise<boolean>;
  release(key: string, token: string): Promise<void>;
  isHeld(key: string): Promise<boolean>;
  /** Tells every replica (this one included) that `key` changed upstream. */
  publishInvalidation(key: string): Promise<void>;
  /** Called with each invalidated key, from any replica. */
  onInvalidation(listener: (key: string) => void): void;
  close(): Promise<void>;
}

/** One process alone: in-process coalescing is all the coordination there is. */
export class LocalCoordination implements CatalogCoordination {
  readonly shared = false;
  private readonly listeners: Array<(key: string) => void> = [];

  async acquire(): Promise<string> {
    return 'local';
  }

  async renew(): Promise<boolean> {
    return true;
  }

  async release(): Promise<void> {}

  async isHeld(): Promise<boolean> {
    return false;
  }

  async publishInvalidation(key: string): Promise<void> {
    for (const listener of this.listeners) listener(key);
  }

  onInvalidation(listener: (key: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {}
}

// Compare-and-act scripts: a holder whose lease lapsed must not release or extend the next holder's lease.
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const RENEW_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/**
 * Leases as `SET NX PX` keys and invalidations over pub/sub. Redis trouble never blocks a fetch: an acquire that
 * fails grants a local lease (the process fetches on its own, as it would without Redis).
 */
export class RedisCoordination implements CatalogCoordination {
  readonly shared = true;
  private readonly listeners: Array<(key: string) => void> = [];
  private readonly channel: string;
  private subscribed = false;

  /** `subscriber` is a connection of its own: a subscribed ioredis connection can issue no other command. */
  constructor(
    private readonly redis: RedisClient,
    private readonly subscriber: RedisClient,
    keyPrefix: string,
    private readonly logger: ProviderLogger,
  ) {
    this.channel = `${keyPrefix}catalog:invalidations`;
    subscriber.on('message', (channel: string, key: string) => {
      if (channel === this.channel) this.notify(key);
    });
    // ioredis re-subscribes after a reconnect by itself; the first subscribe may have to wait for Redis.
    subscriber.on('ready', () => void this.subscribe());
    void this.subscribe();
  }

  async acquire(key: string, leaseMs: number): Promise<string | null> {
    const token = randomUUID();
    try {
      const answer = await this.redis.set(leaseKey(key), token, 'PX', Math.max(1, Math.round(leaseMs)), 'NX');
      return answer === 'OK' ? token : null;
    } catch (error) {
      this.logger.warn({ key, err: errorMessage(error) }, 'redis lease unavailable; fetching without it');
      return token;
    }
  }

  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    try {
      return (await this.redis.eval(RENEW_SCRIPT, 1, leaseKey(key), token, String(Math.max(1, Math.round(leaseMs))))) === 1;
    } catch {
      // Unknown: keep fetching; the worst case is a second fetch by another replica.
      return true;
    }
  }

  async release(key: string, token: string): Promise<void> {
    try {
      await this.redis.eval(RELEASE_SCRIPT, 1, leaseKey(key), token);
    } catch (error) {
      this.logger.warn({ key, err: errorMessage(error) }, 'redis lease release failed; it lapses by itself');
    }
  }

  async isHeld(key: string): Promise<boolean> {
    try {
      return (await this.redis.exists(leaseKey(key))) === 1;
    } catch {
      // Without Redis nobody can be waited for.
      return false;
    }
  }

  async publishInvalidation(key: string): Promise<void> {
    // This replica hears it at once, whatever Redis does.
    this.notify(key);
    try {
      await this.redis.publish(this.channel, key);
    } catch (error) {
      this.logger.warn({ key, err: errorMessage(error) }, 'redis invalidation not published; other replicas keep their copy until it expires');
    }
  }

  onInvalidation(listener: (key: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    await closeRedisClient(this.subscriber);
  }

  private notify(key: string): void {
    for (const listener of this.listeners) listener(key);
  }

  private async subscribe(): Promise<void> {
    if (this.subscribed) return;
    try {
      await this.subscriber.subscribe(this.channel);
      this.subscribed = true;
    } catch {
      // Retried on the next 'ready'.
    }
  }
}

function leaseKey(key: string): string {
  return `${key}:lease`;
}
