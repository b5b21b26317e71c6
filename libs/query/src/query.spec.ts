import { ImageFilters } from './filters';
import { DEFAULT_SORT, queryImages, SORT_KEYS } from './index';
import { ids, PROVIDERS, randomCatalog, referenceQuery, REGIONS, walkPages } from './query-spec-support';
import { makeImage, pick, seededRandom } from './test-images';

// Queries run inside tests only, never at collection: StrykerJS counts code run outside a test as covered by every
// test, so each of its mutants would run the whole suite.
describe('queryImages', () => {
  const catalog = randomCatalog(42, 300);

  it('returns the first page, the total of matches and a cursor', () => {
    const result = queryImages(catalog, { filters: { providers: ['cloud-c'] }, sort: DEFAULT_SORT, limit: 10 });
    const expected = referenceQuery(catalog, { providers: ['cloud-c'] }, DEFAULT_SORT);
    expect(ids(result.items)).toEqual(ids(expected.slice(0, 10)));
    expect(result.total).toBe(expected.length);
    expect(typeof result.nextCursor).toBe('string');
    expect(result.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('counts the matches of each provider', () => {
    const filters = { osType: 'linux' as const };
    const result = queryImages(catalog, { filters, sort: DEFAULT_SORT, limit: 5 });
    const expected = referenceQuery(catalog, filters, DEFAULT_SORT);
    for (const provider of PROVIDERS) {
      const matching = expected.filter((image) => image.provider === provider).length;
      expect(result.totalByProvider[provider] ?? 0).toBe(matching);
    }
    expect(Object.values(result.totalByProvider).reduce((a, b) => a + b, 0)).toBe(result.total);
  });

  it('answers an empty catalog with an empty last page', () => {
    expect(queryImages([], { filters: {}, sort: 'name', limit: 5 })).toEqual({ items: [], total: 0, totalByProvider: {}, nextCursor: null });
  });

  it('has no next cursor when the last page is exactly full', () => {
    const images = catalog.slice(0, 20);
    const result = queryImages(images, { filters: {}, sort: 'name', limit: 20 });
    expect(result.items).toHaveLength(20);
    expect(result.nextCursor).toBeNull();
  });

  it('rejects a limit that is not a positive integer', () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      expect(() => queryImages(catalog, { filters: {}, sort: 'name', limit })).toThrow(RangeError);
    }
  });

  describe.each(SORT_KEYS)('walking every page sorted by %s', (sort) => {
    it.each([1, 2, 7, 50, 299, 300, 1000])('with limit %i returns every match exactly once, in order', (limit) => {
      const filters: ImageFilters = limit % 2 === 0 ? {} : { visibility: 'public' };
      const expected = referenceQuery(catalog, filters, sort);
      const walk = walkPages(catalog, filters, sort, [limit]);
      expect(ids(walk.items)).toEqual(ids(expected));
      expect(new Set(ids(walk.items)).size).toBe(walk.items.length);
      expect(walk.totals.every((total) => total === expected.length)).toBe(true);
    });
  });

  it('lets the caller change page size between pages', () => {
    const walk = walkPages(catalog, { osType: 'linux' }, 'sizeBytes', [3, 17, 1, 40]);
    expect(ids(walk.items)).toEqual(ids(referenceQuery(catalog, { osType: 'linux' }, 'sizeBytes')));
  });

  describe('a catalog refresh between pages', () => {
    it.each(SORT_KEYS)('neither repeats nor skips the others (%s)', (sort) => {
      const before = referenceQuery(catalog, {}, sort);
      const first = queryImages(catalog, { filters: {}, sort, limit: 100 });
      expect(ids(first.items)).toEqual(ids(before.slice(0, 100)));

      // A copy of an already-returned image under a new id sorts before the cursor; one not yet returned goes away.
      const insertedBefore = { ...before[10], id: `${before[10].id}-new`, providerImageId: `${before[10].providerImageId}-new` };
      const removed = before[150];
      const refreshed = [insertedBefore, ...catalog.filter((image) => image !== removed)].reverse();

      const rest = walkPages(refreshed, {}, sort, [30], first.nextCursor!);
      const expectedRest = before.slice(100).filter((image) => image !== removed);
      expect(ids(rest.items)).toEqual(ids(expectedRest));
      expect(rest.totals[0]).toBe(catalog.length);
    });

    it('continues after the cursor even when the last image returned was removed, and shows later inserts', () => {
      const before = referenceQuery(catalog, {}, 'name');
      const first = queryImages(catalog, { filters: {}, sort: 'name', limit: 50 });
      const lastReturned = first.items[first.items.length - 1];
      const insertedAfter = makeImage({ provider: 'cloud-d', providerImageId: 'zzz-late', name: null });
      const refreshed = [...catalog.filter((image) => image !== lastReturned), insertedAfter];

      const rest = walkPages(refreshed, {}, 'name', [50], first.nextCursor!);
      expect(ids(rest.items)).toEqual(ids(referenceQuery([...before.slice(50), insertedAfter], {}, 'name')));
      expect(ids(rest.items)).toContain(insertedAfter.id);
    });
  });

  describe('against a naive reference, over random catalogs and queries', () => {
    function randomFilters(random: () => number): ImageFilters {
      const filters: ImageFilters = {};
      if (random() < 0.3) filters.providers = PROVIDERS.filter(() => random() < 0.5);
      if (random() < 0.3) filters.name = pick(random, ['ubuntu', 'UBUNTU 2', '中文', 'éCL', '64位', 'a', 'zzz']);
      if (random() < 0.2) filters.osType = oneOrMore(random, ['linux', 'windows', 'other'] as const);
      if (random() < 0.2) filters.architecture = oneOrMore(random, ['x86_64', 'arm64'] as const);
      if (random() < 0.2) filters.status = oneOrMore(random, ['available', 'pending', 'failed', 'deleted', 'unknown'] as const);
      if (random() < 0.2) filters.visibility = oneOrMore(random, ['public', 'private', 'shared', 'market'] as const);
      if (random() < 0.2) filters.region = oneOrMore(random, [...REGIONS, 'nowhere']);
      return filters;
    }

    /** One value, or a list of some of them (repeats and an empty list included). */
    function oneOrMore<T>(random: () => number, values: readonly T[]): T | T[] {
      if (random() < 0.5) return pick(random, values);
      return values.filter(() => random() < 0.5).concat(random() < 0.2 ? [pick(random, values)] : []);
    }

    it('walks to the same sequence for 300 random queries', () => {
      const random = seededRandom(2024);
      for (let run = 0; run < 300; run++) {
        const images = randomCatalog(run, 100 + Math.floor(random() * 300));
        const filters = randomFilters(random);
        const sort = pick(random, SORT_KEYS);
        const limits = [1 + Math.floor(random() * 40), 1 + Math.floor(random() * 40)];
        const expected = referenceQuery(images, filters, sort);
        const walk = walkPages(images, filters, sort, limits);
        const context = JSON.stringify({ run, filters, sort, limits });
        expect({ context, ids: ids(walk.items) }).toEqual({ context, ids: ids(expected) });
        expect(walk.totals.every((total) => total === expected.length)).toBe(true);
      }
    });
  });
});
