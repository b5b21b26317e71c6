import { randomUUID } from 'node:crypto';
import { Image, ProviderLogger, type RedisClient } from '@images/core';

/** One provider's normalised catalog as cached. */
export interface CachedCatalog {
  images: Image[];
  /** Epoch ms of the upstream fetch that produced it. */
  fetchedAt: number;
  /** The content's hash (catalogVersion): unchanged by a refresh that changed nothing. */
  version?: string;
}

export type CacheBackend = 'redis' | 'memory';

export interface CatalogStore {
  readonly backend: CacheBackend;
  /** The newest copy known, fresh or not; null when none. Never throws. */
  get(key: string): Promise<CachedCatalog | null>;
  /** The newest copy in the store shared by every replica (the local copy when there is none). Never throws. */
  getShared(key: string): Promise<CachedCatalog | null>;
  /** Keeps the entry for `retainMs` (fresh time plus the stale window). Never throws. */
  set(key: string, entry: CachedCatalog, retainMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Drops this process's copy only (another replica already changed the shared one). */
  evictLocal(key: string): void;
  /**
   * What get() would answer, when it can tell without I/O (from process memory); undefined when only get() can. A warm
   * read then costs no promise race and no timer per provider.
   */
  readNow(key: string): CachedCatalog | null | undefined;
}

/** The in-process store: the whole cache when no Redis is configured, the first tier in front of Redis otherwise. */
export class MemoryCatalogStore implements CatalogStore {
  readonly backend = 'memory' as const;
  private readonly entries = new Map<string, { entry: CachedCatalog; expiresAt: number }>();

  constructor(private readonly maxEntries = 256) {}

  async get(key: string): Promise<CachedCatalog | null> {
    return this.peek(key);
  }

  async getShared(key: string): Promise<CachedCatalog | null> {
    return this.peek(key);
  }

  readNow(key: string): CachedCatalog | null | undefined {
    return this.peek(key);
  }

  peek(key: string): CachedCatalog | null {
    const hit = this.entries.get(key);
    if (!hit) return null;
    if (hit.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return null;
    }
    return hit.entry;
  }

  async set(key: string, entry: CachedCatalog, retainMs: number): Promise<void> {
    this.entries.delete(key);
    // Map keeps insertion order: the first key is the least recently written.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { entry, expiresAt: Date.now() + retainMs });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  evictLocal(key: string): void {
    this.entries.delete(key);
  }
}

const ENTRY_VERSION = 1;
/** Images serialised per Redis write of a large catalog (about 1.5 MB). */
const IMAGES_PER_WRITE = 2000;

/** Catalogs in Redis as one JSON string per key, expiring with the stale window. Failures read as misses. */
export class RedisCatalogStore implements CatalogStore {
  readonly backend = 'redis' as const;

  constructor(
    private readonly redis: RedisClient,
    private readonly logger: ProviderLogger,
  ) {}

  async get(key: string): Promise<CachedCatalog | null> {
    try {
      const raw = await this.redis.get(key);
      if (raw === null) return null;
      const parsed = JSON.parse(raw) as { v?: number; fetchedAt?: unknown; images?: unknown; version?: unknown };
      if (parsed.v !== ENTRY_VERSION || typeof parsed.fetchedAt !== 'number' || !Array.isArray(parsed.images)) return null;
      const entry: CachedCatalog = { fetchedAt: parsed.fetchedAt, images: parsed.images as Image[] };
      return typeof parsed.version === 'string' ? { ...entry, version: parsed.version } : entry;
    } catch (error) {
      this.logger.warn({ key, err: errorMessage(error) }, 'redis catalog read failed; treated as a miss');
      return null;
    }
  }

  getShared(key: string): Promise<CachedCatalog | null> {
    return this.get(key);
  }

  /**
   * The JSON.stringify of `{ v, fetchedAt, version, images }`, made image by image. A large catalog is appended in
   * parts to a key of its own, then renamed into place at once: readers see the old entry or the new one, and no
   * single stringify of the whole catalog holds the event loop.
   */
  async set(key: string, entry: CachedCatalog, retainMs: number): Promise<void> {
    const ttlMs = Math.max(1, Math.round(retainMs));
    const head = `{"v":${ENTRY_VERSION},"fetchedAt":${JSON.stringify(entry.fetchedAt)}${entry.version === undefined ? '' : `,"version":${JSON.stringify(entry.version)}`},"images":[`;
    const partOf = (start: number) => entry.images.slice(start, start + IMAGES_PER_WRITE).map((image) => JSON.stringify(image)).join(',');
    const partial = `${key}:writing:${randomUUID()}`;
    try {
      if (entry.images.length <= IMAGES_PER_WRITE) {
        await this.redis.set(key, `${head}${partOf(0)}]}`, 'PX', ttlMs);
        return;
      }
      // Expires by itself should this process die mid-write.
      await this.redis.set(partial, head, 'PX', ttlMs);
      for (let start = 0; start < entry.images.length; start += IMAGES_PER_WRITE) {
        await this.redis.append(partial, `${start > 0 ? ',' : ''}${partOf(start)}`);
      }
      await this.redis.append(partial, ']}');
      const results = await this.redis.multi().rename(partial, key).pexpire(key, ttlMs).exec();
      const failed = results?.find(([error]) => error !== null);
      if (!results || failed) throw failed?.[0] ?? new Error('transaction discarded');
    } catch (error) {
      this.logger.warn({ key, err: errorMessage(error) }, 'redis catalog write failed');
      await this.redis.del(partial).catch(() => undefined);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.redis.del(key);
    } catch (error) {
      this.logger.warn({ key, err: errorMessage(error) }, 'redis catalog delete failed');
    }
  }

  evictLocal(): void {}

  readNow(): undefined {
    return undefined;
  }
}

/**
 * Memory in front of Redis: a fresh in-process copy answers without a round trip; otherwise Redis is asked
 * (another replica may have refreshed it), and the newer of the two wins. Redis down leaves the memory tier serving.
 */
export class TieredCatalogStore implements CatalogStore {
  readonly backend = 'redis' as const;
  /** When Redis was last asked for a key this process holds only a stale copy of. */
  private readonly sharedCheckedAt = new Map<string, number>();

  constructor(
    private readonly memory: MemoryCatalogStore,
    private readonly redis: CatalogStore,
    private readonly freshMs: number,
    private readonly retainMs: number,
    /** A stale local copy is served without asking Redis again for this long (a failing vendor must not turn every request into a Redis read). */
    private readonly recheckMs = 1000,
  ) {}

  async get(key: string): Promise<CachedCatalog | null> {
    return this.readNow(key) ?? this.getShared(key);
  }

  /** The local copy while it is fresh, or stale but Redis was asked about it less than `recheckMs` ago. */
  readNow(key: string): CachedCatalog | undefined {
    const local = this.memory.peek(key);
    if (local && Date.now() - local.fetchedAt < this.freshMs) return local;
    if (local && Date.now() - (this.sharedCheckedAt.get(key) ?? 0) < this.recheckMs) return local;
    return undefined;
  }

  async getShared(key: string): Promise<CachedCatalog | null> {
    const local = this.memory.peek(key);
    if (local) this.sharedCheckedAt.set(key, Date.now());
    const shared = await this.redis.get(key);
    if (shared && (!local || shared.fetchedAt > local.fetchedAt)) {
      const remainingMs = this.retainMs - (Date.now() - shared.fetchedAt);
      if (remainingMs > 0) await this.memory.set(key, shared, remainingMs);
      return shared;
    }
    return local;
  }

  async set(key: string, entry: CachedCatalog, retainMs: number): Promise<void> {
    await Promise.all([this.memory.set(key, entry, retainMs), this.redis.set(key, entry, retainMs)]);
  }

  async delete(key: string): Promise<void> {
    this.sharedCheckedAt.delete(key);
    await Promise.all([this.memory.delete(key), this.redis.delete(key)]);
  }

  evictLocal(key: string): void {
    this.sharedCheckedAt.delete(key);
    this.memory.evictLocal(key);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
