import { Image } from '@images/core';
import { decodeCursor, encodeCursor, queryHash } from './cursor';
import { compileFilters, ImageFilters } from './filters';
import { smallestSorted } from './select';
import { SortedImage, SortKey, sortSpec, toSortedImage } from './sort';

export interface PageRequest {
  filters: ImageFilters;
  sort: SortKey;
  limit: number;
  /** `nextCursor` of the previous page; absent for the first page. */
  cursor?: string;
}

export interface PageResult {
  items: Image[];
  /** Images matching the filters across all pages. */
  total: number;
  /** The same count per provider (providers with no match are absent). */
  totalByProvider: Record<string, number>;
  nextCursor: string | null;
}

/**
 * Filters, sorts and pages the merged catalog. Paging is keyset: a page holds the first `limit` matching
 * images strictly after the cursor's position, so a catalog refresh between pages neither repeats nor skips.
 * Throws InvalidCursorError for a malformed cursor or one made for other filters or sort.
 */
export function queryImages(images: readonly Image[], request: PageRequest): PageResult {
  const { filters, sort, limit } = request;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const spec = sortSpec(sort);
  const hash = queryHash(filters, sort);
  const after = request.cursor === undefined ? null : decodeCursor(request.cursor, spec, hash);
  const matches = compileFilters(filters);

  let total = 0;
  const totalByProvider: Record<string, number> = {};
  const remaining: SortedImage[] = [];
  for (const image of images) {
    if (!matches(image)) continue;
    total++;
    totalByProvider[image.provider] = (totalByProvider[image.provider] ?? 0) + 1;
    const keyed = toSortedImage(spec, image);
    if (after === null || spec.compare(after, keyed) < 0) remaining.push(keyed);
  }
  // One item past the page tells whether another page follows.
  const upcoming = smallestSorted(remaining, limit + 1, spec.compare);
  const hasMore = upcoming.length > limit;
  const page = hasMore ? upcoming.slice(0, limit) : upcoming;
  return {
    items: page.map((entry) => entry.image),
    total,
    totalByProvider,
    nextCursor: hasMore ? encodeCursor(hash, page[page.length - 1]) : null,
  };
}
