/** One page of a list as computed once: its items already serialised, its page, and each provider's match count. */
export interface CachedPage {
  readonly itemsJson: string;
  readonly page: Readonly<{ limit: number; total: number; nextCursor: string | null }>;
  readonly countByProvider: Readonly<Record<string, number>>;
}

/** What the cache may hold, counted in UTF-16 units of the serialised items (about their bytes for ASCII). */
const MAX_CACHED_CHARS = 32 * 1024 * 1024;

/**
 * Pages already filtered, sorted, paged and serialised, by ETag (the query and every catalog's content version):
 * a repeated query costs a map lookup. A changed catalog changes the key, so nothing here is ever stale; the least
 * recently used pages go first once the bound is reached. Entries are frozen: no answer can alter another's.
 */
export class AnswerCache {
  private readonly pages = new Map<string, CachedPage>();
  private chars = 0;

  constructor(private readonly maxChars = MAX_CACHED_CHARS) {}

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
    if (page.itemsJson.length > this.maxChars) return;
    this.delete(key);
    while (this.chars + page.itemsJson.length > this.maxChars) this.delete(this.pages.keys().next().value as string);
    this.pages.set(key, Object.freeze({ ...page, page: Object.freeze({ ...page.page }), countByProvider: Object.freeze({ ...page.countByProvider }) }));
    this.chars += page.itemsJson.length;
  }

  get size(): number {
    return this.pages.size;
  }

  private delete(key: string): void {
    const old = this.pages.get(key);
    if (!old) return;
    this.pages.delete(key);
    this.chars -= old.itemsJson.length;
  }
}
