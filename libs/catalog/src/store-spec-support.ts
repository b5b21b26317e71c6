import { CachedCatalog, CatalogStore, MemoryCatalogStore } from './catalog-store';

// Catalog stores for the engine specs: one that keeps everything, one that reads slowly, and one replica's view of a
// store every replica shares.

/** A store that keeps every catalog for ever (records the retention asked for): the engine's own windows decide. */
export class KeepingStore extends MemoryCatalogStore {
  readonly retained: number[] = [];
  override async set(key: string, entry: CachedCatalog, retainMs: number): Promise<void> {
    this.retained.push(retainMs);
    await super.set(key, entry, 1e12);
  }
}

/** A store whose reads take `readMs`, like a struggling Redis. */
export class SlowReadStore extends MemoryCatalogStore {
  constructor(private readonly readMs: number) {
    super();
  }
  override async get(key: string): Promise<CachedCatalog | null> {
    await new Promise((resolve) => setTimeout(resolve, this.readMs));
    return super.get(key);
  }
  /** Nothing is in memory: every read is the slow one. */
  override readNow(): undefined {
    return undefined;
  }
}

/**
 * One replica's memory in front of a store every replica shares (the Redis stand-in). `get` serves the local copy
 * when there is one, as a tiered store does between its rechecks; `getShared` reads the shared one and keeps it locally.
 */
export class ReplicaStore implements CatalogStore {
  readonly backend = 'redis' as const;
  readonly local = new MemoryCatalogStore();
  constructor(readonly shared: MemoryCatalogStore, private readonly retainMs = 660_000) {}

  async get(key: string): Promise<CachedCatalog | null> {
    return this.local.peek(key) ?? this.shared.peek(key);
  }
  async getShared(key: string): Promise<CachedCatalog | null> {
    const shared = this.shared.peek(key);
    if (shared) await this.local.set(key, shared, this.retainMs - (Date.now() - shared.fetchedAt));
    return shared ?? this.local.peek(key);
  }
  async set(key: string, entry: CachedCatalog, retainMs: number): Promise<void> {
    await Promise.all([this.local.set(key, entry, retainMs), this.shared.set(key, entry, retainMs)]);
  }
  async delete(key: string): Promise<void> {
    await Promise.all([this.local.delete(key), this.shared.delete(key)]);
  }
  evictLocal(key: string): void {
    this.local.evictLocal(key);
  }
  /** Like Redis: only get() can tell (it decides between the local and the shared copy). */
  readNow(): undefined {
    return undefined;
  }
}
