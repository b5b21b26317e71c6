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

  /** Younger than the TTL, and than the caller's max-age when it sent one. */
  isFresh(entry: CachedCatalog, maxAgeMs = Infinity): boolean {
    return Date.now() - entry.fetchedAt < Math.min(this.ttlMs, maxAgeMs);
  }

  /** Read late in its life: refresh it in the background so steady traffic never waits for the vendor. */
  isDueForRefresh(entry: CachedCatalog): boolean {
    return Date.now() - entry.fetchedAt >= this.ttlMs * (this.options.refreshAheadRatio ?? 0.8);
  }

  /** Inside the stale window, or the caller's max-stale past the TTL when it sent one. */
  isServableStale(entry: CachedCatalog, maxStaleMs?: number): boolean {
    const windowMs = maxStaleMs === undefined ? this.retainMs : this.ttlMs + maxStaleMs;
    return Date.now() - entry.fetchedAt < windowMs;
  }

  ageSeconds(entry: CachedCatalog): number {
    return Math.max(0, Math.floor((Date.now() - entry.fetchedAt) / 1000));
  }
}
