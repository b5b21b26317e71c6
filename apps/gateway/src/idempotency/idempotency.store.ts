import { createHash, randomUUID } from 'node:crypto';
import type { RedisClient } from '@images/core';
import type { Logger } from 'pino';

/** A first answer as it is replayed: status, the headers that matter, and the serialised body (null for none). */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** What the caller of `claim` does next. */
export type Claim =
  /** First time: run the request, then `complete` or `release` the lease. */
  | { outcome: 'claimed'; lease: Lease }
  /** Answered before: send this again, without calling the vendor. */
  | { outcome: 'replay'; answer: StoredAnswer }
  /** Answered before, but the answer was not kept (it held secrets): run the request again. */
  | { outcome: 'repeat' }
  /** The key was used with another request. */
  | { outcome: 'mismatch' }
  /** The first request with this key has not finished yet. */
  | { outcome: 'in-flight' };

export interface Lease {
  readonly recordKey: string;
  readonly fingerprint: string;
  /** The exact pending value written, so only its owner removes it. */
  readonly pendingValue: string;
  readonly backend: 'redis' | 'memory';
}

interface PendingRecord {
  state: 'pending';
  fingerprint: string;
  token: string;
}

interface DoneRecord {
  state: 'done';
  fingerprint: string;
  /** null: the answer was not kept (no-store). */
  answer: StoredAnswer | null;
}

type IdempotencyRecord = PendingRecord | DoneRecord;

export interface IdempotencyStoreOptions {
  /** CACHE_KEY_PREFIX: records live at `{prefix}idem:v1:{sha256(key)}`. */
  keyPrefix: string;
  /** How long an answer is replayed (24 h). */
  answerTtlMs: number;
  /** How long an unfinished request holds its key: longer than any request can take, so a crash frees it. */
  pendingTtlMs: number;
  /** Records the in-process store holds at most (oldest dropped first). */
  maxMemoryRecords?: number;
}

// Removes or replaces the pending marker only while it is still the one this request wrote.
const RELEASE_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * Idempotency records, shared by every replica through Redis (SET NX claims a key atomically), with an
 * in-process store when no Redis is configured, or for as long as Redis fails (fail open: a write is never
 * refused because the cache is down, and a warning says replicas no longer share keys).
 * Only a hash of the caller's key and of the request is stored, never the request itself.
 */
export class IdempotencyStore {
  private readonly memory: MemoryRecords;
  private redisFailing = false;

  constructor(
    private readonly redis: RedisClient | null,
    private readonly options: IdempotencyStoreOptions,
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
  ) {
    this.memory = new MemoryRecords(options.maxMemoryRecords ?? 10_000);
  }

  recordKey(idempotencyKey: string): string {
    return `${this.options.keyPrefix}idem:v1:${sha256(idempotencyKey)}`;
  }

  async claim(idempotencyKey: string, fingerprint: string): Promise<Claim> {
    const recordKey = this.recordKey(idempotencyKey);
    const pendingValue = JSON.stringify({ state: 'pending', fingerprint, token: randomUUID() } satisfies PendingRecord);
    // A key this replica handled while Redis failed is known only here, and Redis (back now) must not claim it afresh.
    const local = this.memory.get(recordKey);
    if (local !== undefined) return decide(parseRecord(local), fingerprint);
    if (this.redis) {
      try {
        return await this.claimInRedis(this.redis, recordKey, fingerprint, pendingValue);
      } catch (error) {
        this.onRedisError(error, 'claim');
      }
    }
    return this.claimInMemory(recordKey, fingerprint, pendingValue);
  }

  /** Keeps the answer for replays (null: remember only that the key was used, for which request). */
  async complete(lease: Lease, answer: StoredAnswer | null): Promise<void> {
    const value = JSON.stringify({ state: 'done', fingerprint: lease.fingerprint, answer } satisfies DoneRecord);
    if (lease.backend === 'redis' && this.redis) {
      try {
        await this.redis.set(lease.recordKey, value, 'PX', this.options.answerTtlMs);
        this.onRedisOk();
        return;
      } catch (error) {
        // Kept here, this replica still replays it; others see the pending marker until it expires.
        this.onRedisError(error, 'complete');
      }
    }
    this.memory.set(lease.recordKey, value, this.options.answerTtlMs);
  }

  /** The request failed: the key is free again, so a retry may succeed. */
  async release(lease: Lease): Promise<void> {
    if (lease.backend === 'redis' && this.redis) {
      try {
        await this.redis.eval(RELEASE_SCRIPT, 1, lease.recordKey, lease.pendingValue);
        this.onRedisOk();
      } catch (error) {
        // The marker expires by itself after pendingTtlMs.
        this.onRedisError(error, 'release');
      }
      return;
    }
    if (this.memory.get(lease.recordKey) === lease.pendingValue) this.memory.delete(lease.recordKey);
  }

  private async claimInRedis(redis: RedisClient, recordKey: string, fingerprint: string, pendingValue: string): Promise<Claim> {
    // A record can expire between SET NX and GET; a second round settles it.
    for (let round = 0; round < 3; round++) {
      const set = await redis.set(recordKey, pendingValue, 'PX', this.options.pendingTtlMs, 'NX');
      if (set === 'OK') {
        this.onRedisOk();
        return { outcome: 'claimed', lease: { recordKey, fingerprint, pendingValue, backend: 'redis' } };
      }
      const existing = await redis.get(recordKey);
      this.onRedisOk();
      if (existing === null) continue;
      return decide(parseRecord(existing), fingerprint);
    }
    return { outcome: 'in-flight' };
  }

  private claimInMemory(recordKey: string, fingerprint: string, pendingValue: string): Claim {
    const existing = this.memory.get(recordKey);
    if (existing !== undefined) return decide(parseRecord(existing), fingerprint);
    this.memory.set(recordKey, pendingValue, this.options.pendingTtlMs);
    return { outcome: 'claimed', lease: { recordKey, fingerprint, pendingValue, backend: 'memory' } };
  }

  private onRedisError(error: unknown, step: string): void {
    if (!this.redisFailing) {
      this.logger.warn({ err: (error as Error)?.message, step }, 'idempotency keys fall back to process memory while redis fails: replicas do not share them meanwhile');
    }
    this.redisFailing = true;
  }

  private onRedisOk(): void {
    if (this.redisFailing) this.logger.info('idempotency keys are shared through redis again');
    this.redisFailing = false;
  }
}

function decide(record: IdempotencyRecord | null, fingerprint: string): Claim {
  // An unreadable record (another version's?) is treated as a request still running: refusing is safe, running twice is not.
  if (record === null) return { outcome: 'in-flight' };
  if (record.fingerprint !== fingerprint) return { outcome: 'mismatch' };
  if (record.state === 'pending') return { outcome: 'in-flight' };
  return record.answer === null ? { outcome: 'repeat' } : { outcome: 'replay', answer: record.answer };
}

function parseRecord(text: string): IdempotencyRecord | null {
  try {
    const record = JSON.parse(text) as IdempotencyRecord;
    return typeof record === 'object' && record !== null && typeof record.fingerprint === 'string' && (record.state === 'pending' || record.state === 'done') ? record : null;
  } catch {
    return null;
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A bounded map with per-entry expiry: the in-process stand-in for Redis. */
class MemoryRecords {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly maxEntries: number) {}

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: string, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    // Insertion order is age order: the oldest go first.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
