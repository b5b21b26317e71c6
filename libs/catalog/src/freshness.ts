import { CachedCatalog } from './catalog-store';

/** How old a catalog may be, for what: the TTL, the refresh-ahead point and the stale window. */
export class Freshness {
  constructor(private readonly options: { cacheTtlSeconds: number; cacheStaleSeconds: number; refreshAheadRatio?: number }) {}

  get ttlMs(): number {
    return this.options.cacheTtlSeconds * 1000;
  }

  /** How long a catalog is kept: fresh, then servable stale. */
  get retainMs(): number {
    return (this.options.cacheTtlSeconds + this.options.cacheStaleSeconds) * 1000;
  }

  isFresh(entry: CachedCatalog): boolean {
    return Date.now() - entry.fetchedAt < this.ttlMs;
  }

  /** Read late in its life: refresh it in the background so steady traffic never waits for the vendor. */
  isDueForRefresh(entry: CachedCatalog): boolean {
    return Date.now() - entry.fetchedAt >= this.ttlMs * (this.options.refreshAheadRatio ?? 0.8);
  }

  isServableStale(entry: CachedCatalog): boolean {
    return Date.now() - entry.fetchedAt < this.retainMs;
  }

  ageSeconds(entry: CachedCatalog): number {
    return Math.max(0, Math.floor((Date.now() - entry.fetchedAt) / 1000));
  }
}
