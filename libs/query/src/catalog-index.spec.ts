import { Image } from '@images/core';
import { CatalogIndex } from './catalog-index';
import { ImageFilters } from './filters';
import { InvalidCursorError, PageResult, queryImages, SORT_KEYS, SortKey } from './index';
import { makeImage, pick, seededRandom } from './test-images';

const PROVIDERS = ['cloud-a', 'cloud-b', 'cloud-c'];

/** Few distinct values, so ties, nulls and empty matches are common; ids are unique, as in a merged catalog. */
function catalog(seed: number, size: number): Image[] {
  const random = seededRandom(seed);
  return Array.from({ length: size }, (_, i) =>
    makeImage({
      provider: pick(random, PROVIDERS),
      providerImageId: `img-${i}`,
      name: pick(random, [null, 'Ubuntu', 'ubuntu', 'CentOS', 'Éclair', 'a']),
      osType: pick(random, ['linux', 'windows', 'other', null] as const),
      architecture: pick(random, ['x86_64', 'arm64', null] as const),
      status: pick(random, ['available', 'pending', 'failed'] as const),
      visibility: pick(random, ['public', 'private', 'shared'] as const),
      regions: ['r1', 'r2'].filter(() => random() < 0.5),
      sizeBytes: random() < 0.2 ? null : Math.floor(random() * 4),
      createdAt: random() < 0.2 ? null : new Date(Date.UTC(2024, 0, 1 + Math.floor(random() * 4))).toISOString(),
    }),
  );
}

function randomFilters(random: () => number): ImageFilters {
  const filters: ImageFilters = {};
  if (random() < 0.3) filters.providers = PROVIDERS.filter(() => random() < 0.6);
  if (random() < 0.3) filters.name = pick(random, ['ubu', 'os', 'é', 'zz']);
  if (random() < 0.3) filters.osType = pick(random, ['linux', 'windows', 'other'] as const);
  if (random() < 0.3) filters.architecture = pick(random, ['x86_64', 'arm64'] as const);
  if (random() < 0.3) filters.status = pick(random, ['available', 'pending'] as const);
  if (random() < 0.3) filters.visibility = pick(random, ['public', 'private', 'shared'] as const);
  if (random() < 0.3) filters.region = pick(random, ['r1', 'r2']);
  return filters;
}

/** Copies of the images whose `field` counts its reads: how often the index looked at them. */
function countingReads(images: Image[], field: 'osType' | 'status'): { images: Image[]; reads: () => number } {
  let reads = 0;
  const counted = images.map((image) => Object.defineProperty({ ...image }, field, { get: () => (reads++, image[field]), enumerable: true }));
  return { images: counted, reads: () => reads };
}

/** Every page of a query, following nextCursor. */
function walk(query: (cursor?: string) => PageResult): PageResult[] {
  const pages = [query()];
  while (pages[pages.length - 1].nextCursor !== null) pages.push(query(pages[pages.length - 1].nextCursor!));
  return pages;
}

describe('CatalogIndex', () => {
  it('gives, page by page, exactly what queryImages gives, over 300 random queries', () => {
    const images = catalog(7, 400);
    const index = new CatalogIndex(images);
    const random = seededRandom(11);
    for (let run = 0; run < 300; run++) {
      const filters = randomFilters(random);
      const sort: SortKey = pick(random, SORT_KEYS);
      const limit = 1 + Math.floor(random() * 60);
      const expected = walk((cursor) => queryImages(images, { filters, sort, limit, cursor }));
      const actual = walk((cursor) => index.page({ filters, sort, limit, cursor }));
      expect(actual).toEqual(expected);
    }
  });

  it('scans a filter set once: later pages and page sizes of it read no image again', () => {
    const { images, reads } = countingReads(catalog(3, 200), 'osType');
    const index = new CatalogIndex(images);
    const filters: ImageFilters = { osType: 'linux' };
    const first = index.page({ filters, sort: 'name', limit: 5 });
    expect(reads()).toBe(200);
    index.page({ filters, sort: 'name', limit: 50, cursor: first.nextCursor! });
    index.page({ filters: { osType: 'linux' }, sort: 'name', limit: 1 });
    expect(reads()).toBe(200);
    // Another sort is another order: its own scan.
    index.page({ filters, sort: '-name', limit: 5 });
    expect(reads()).toBe(400);
  });

  it('forgets the least recently used filter set past its bound', () => {
    const { images, reads } = countingReads(catalog(5, 10), 'status');
    const index = new CatalogIndex(images, 2);
    const ask = (status: 'available' | 'pending' | 'failed') => index.page({ filters: { status }, sort: 'name', limit: 1 });
    ask('available');
    ask('pending');
    ask('available');
    expect(reads()).toBe(20);
    ask('failed');
    // 'pending' was the least recently used of the two held: it is scanned again, 'available' is not.
    ask('available');
    expect(reads()).toBe(30);
    ask('pending');
    expect(reads()).toBe(40);
  });

  it('refuses what queryImages refuses: a bad limit, a malformed cursor, a cursor of another query', () => {
    const images = catalog(9, 30);
    const index = new CatalogIndex(images);
    expect(() => index.page({ filters: {}, sort: 'name', limit: 0 })).toThrow(RangeError);
    expect(() => index.page({ filters: {}, sort: 'name', limit: 1, cursor: '!!' })).toThrow(InvalidCursorError);
    const { nextCursor } = index.page({ filters: {}, sort: 'name', limit: 1 });
    expect(() => index.page({ filters: { osType: 'linux' }, sort: 'name', limit: 1, cursor: nextCursor! })).toThrow('cursor belongs to another query');
  });

  it('hands out counts the caller may change without changing the next answer', () => {
    const index = new CatalogIndex(catalog(1, 50));
    const first = index.page({ filters: {}, sort: 'name', limit: 1 });
    const counts = { ...first.totalByProvider };
    first.totalByProvider['cloud-a'] = -1;
    expect(index.page({ filters: {}, sort: 'name', limit: 1 }).totalByProvider).toEqual(counts);
  });
});
