/**
 * One page of a list as computed once: its items already serialised (UTF-8 bytes: a large string would be encoded
 * again on every write), its page, and each provider's match count. The bytes are only ever copied from, never written
 * (a Buffer cannot be frozen).
 */
export interface CachedPage {
  readonly itemsJson: Buffer;
  readonly page: Readonly<{ limit: number; total: number; nextCursor: string | null }>;
  readonly countByProvider: Readonly<Record<string, number>>;
}

/** What the cache may hold, in bytes of serialised items. */
const MAX_CACHED_BYTES = 32 * 1024 * 1024;

/**
 * Pages already filtered, sorted, paged and serialised, by ETag (the query and every catalog's content version):
 * a repeated query costs a map lookup. A changed catalog changes the key, so nothing here is ever stale; the least
 * recently used pages go first once the bound is reached. Entries are frozen: no answer can alter another's.
 */
export class AnswerCache {
  private readonly pages = new Map<string, CachedPage>();
  private bytes = 0;

  constructor(private readonly maxBytes = MAX_CACHED_BYTES) {}

  get(key: string): CachedPage | undefined {
    const hit = this.pages.get(key);
    if (hit) {
      // Map keeps insertion order: re-inserting marks it the most recently used.
      this.pages.delete(key);
      this.pages.set(key, hit);
    }
    return hit;
  }

  set(key: string, page: CachedPage): void {
    if (page.itemsJson.length > this.maxBytes) return;
    this.delete(key);
    while (this.bytes + page.itemsJson.length > this.maxBytes) this.delete(this.pages.keys().next().value as string);
    this.pages.set(key, Object.freeze({ ...page, page: Object.freeze({ ...page.page }), countByProvider: Object.freeze({ ...page.countByProvider }) }));
    this.bytes += page.itemsJson.length;
  }

  get size(): number {
    return this.pages.size;
  }

  private delete(key: string): void {
    const old = this.pages.get(key);
    if (!old) return;
    this.pages.delete(key);
    this.bytes -= old.itemsJson.length;
  }
}
