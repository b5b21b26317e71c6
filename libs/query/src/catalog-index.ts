import { Image } from '@images/core';
import { decodeCursor, encodeCursor, queryHash } from './cursor';
import { canonicalFilters, compileFilters, ImageFilters } from './filters';
import { PageRequest, PageResult } from './query';
import { SortedImage, SortKey, SortSpec, sortSpec, toSortedImage } from './sort';

/** One filter set's matches, in one sort order, with their counts. */
interface Matches {
  sorted: SortedImage[];
  totalByProvider: Readonly<Record<string, number>>;
}

/** Filter sets remembered per index: enough for the queries a catalog version sees, bounded against a scan of them all. */
const MAX_FILTER_SETS = 64;

/**
 * A merged catalog indexed once: an array per sort order (built on its first use), and per filter set its matches
 * in that order (the first query of a filter set scans; later ones do not). A page is then a binary search for the
 * cursor and a slice: O(log n + limit) whatever the catalog's size. Pages are those queryImages gives for the same
 * images and request. The images are never changed; build a new index for a new catalog.
 */
export class CatalogIndex {
  private readonly bySort = new Map<SortKey, SortedImage[]>();
  private readonly byFilters = new Map<string, Matches>();

  constructor(
    private readonly images: readonly Image[],
    private readonly maxFilterSets = MAX_FILTER_SETS,
  ) {}

  /** As queryImages: throws InvalidCursorError for a malformed cursor or one made for other filters or sort. */
  page(request: PageRequest): PageResult {
    const { filters, sort, limit } = request;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const spec = sortSpec(sort);
    const hash = queryHash(filters, sort);
    const after = request.cursor === undefined ? null : decodeCursor(request.cursor, spec, hash);
    const matches = this.matches(filters, sort, spec);
    const start = after === null ? 0 : firstAfter(matches.sorted, after, spec);
    // One item past the page tells whether another page follows.
    const upcoming = matches.sorted.slice(start, start + limit + 1);
    const hasMore = upcoming.length > limit;
    const page = hasMore ? upcoming.slice(0, limit) : upcoming;
    return {
      items: page.map((entry) => entry.image),
      total: matches.sorted.length,
      totalByProvider: { ...matches.totalByProvider },
      nextCursor: hasMore ? encodeCursor(hash, page[page.length - 1]) : null,
    };
  }

  private matches(filters: ImageFilters, sort: SortKey, spec: SortSpec): Matches {
    const key = `${sort}\n${canonicalFilters(filters)}`;
    const known = this.byFilters.get(key);
    if (known) {
      // Map keeps insertion order: re-inserting marks it the most recently used.
      this.byFilters.delete(key);
      this.byFilters.set(key, known);
      return known;
    }
    const test = compileFilters(filters);
    const sorted = this.sorted(sort, spec).filter((entry) => test(entry.image));
    const totalByProvider: Record<string, number> = {};
    for (const { image } of sorted) totalByProvider[image.provider] = (totalByProvider[image.provider] ?? 0) + 1;
    if (this.byFilters.size >= this.maxFilterSets) this.byFilters.delete(this.byFilters.keys().next().value as string);
    const matches = { sorted, totalByProvider };
    this.byFilters.set(key, matches);
    return matches;
  }

  private sorted(sort: SortKey, spec: SortSpec): SortedImage[] {
    let sorted = this.bySort.get(sort);
    if (!sorted) {
      sorted = this.images.map((image) => toSortedImage(spec, image)).sort(spec.compare);
      this.bySort.set(sort, sorted);
    }
    return sorted;
  }
}

/** The index of the first entry strictly after `after` in the sort order (binary search). */
function firstAfter(sorted: readonly SortedImage[], after: Parameters<SortSpec['compare']>[0], spec: SortSpec): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (spec.compare(after, sorted[middle]) < 0) high = middle;
    else low = middle + 1;
  }
  return low;
}
