import { Image } from '@images/core';
import { ImageFilters } from './filters';
import { DEFAULT_SORT, InvalidCursorError, PageRequest, queryImages, SORT_KEYS, SortKey } from './index';
import { makeImage, pick, seededRandom } from './test-images';

const PROVIDERS = ['cloud-b', 'cloud-c', 'cloud-d', 'cloud-a'] as const;
const NAMES = [null, 'Ubuntu 22.04', 'ubuntu 22.04', 'UBUNTU 20.04', 'CentOS 7.9 64位', '乌班图 中文版', 'Windows Server 2022', 'Éclair', 'éclair', 'a'];
const REGIONS = ['cn-north-1', 'cn-east-3', 'cn-bj2', 'CN-BJ2'];

/** Few distinct values so ties and nulls are common. */
function randomImage(random: () => number, index: number): Image {
  return makeImage({
    provider: pick(random, PROVIDERS),
    providerImageId: `img-${index.toString().padStart(4, '0')}-${Math.floor(random() * 1000)}`,
    name: pick(random, NAMES),
    osType: pick(random, ['linux', 'windows', 'other', null] as const),
    architecture: pick(random, ['x86_64', 'arm64', null] as const),
    status: pick(random, ['available', 'pending', 'failed', 'deleted'] as const),
    visibility: pick(random, ['public', 'private', 'shared', 'market', 'unknown'] as const),
    regions: REGIONS.filter(() => random() < 0.4),
    sizeBytes: random() < 0.15 ? null : Math.floor(random() * 6) * 2 ** 30,
    createdAt: random() < 0.15 ? null : new Date(Date.UTC(2024, 0, 1 + Math.floor(random() * 8), 0, 0, 0, Math.floor(random() * 3))).toISOString(),
  });
}

function randomCatalog(seed: number, size: number): Image[] {
  const random = seededRandom(seed);
  return Array.from({ length: size }, (_, i) => randomImage(random, i));
}

/** Written independently of the implementation: obvious, slow, allocation-happy. */
function referenceQuery(images: readonly Image[], filters: ImageFilters, sort: SortKey): Image[] {
  const kept = images.filter(
    (image) =>
      (filters.providers === undefined || filters.providers.includes(image.provider)) &&
      (filters.name === undefined ||
        (image.name !== null && image.name.toLowerCase().includes(filters.name.toLowerCase()))) &&
      (filters.osType === undefined || image.osType === filters.osType) &&
      (filters.architecture === undefined || image.architecture === filters.architecture) &&
      (filters.status === undefined || image.status === filters.status) &&
      (filters.visibility === undefined || image.visibility === filters.visibility) &&
      (filters.region === undefined || image.regions.includes(filters.region)),
  );
  const descending = sort.startsWith('-');
  const field = sort.replace('-', '') as 'createdAt' | 'name' | 'sizeBytes';
  const byCodeUnits = (a: string, b: string) => (a === b ? 0 : a < b ? -1 : 1);
  return kept.sort((a, b) => {
    const va = a[field];
    const vb = b[field];
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null) {
      let order: number;
      if (field === 'name') order = byCodeUnits(String(va).toLowerCase(), String(vb).toLowerCase()) || byCodeUnits(String(va), String(vb));
      else if (field === 'createdAt') order = new Date(String(va)).getTime() - new Date(String(vb)).getTime();
      else order = Number(va) - Number(vb);
      if (order !== 0) return descending ? -order : order;
    }
    return byCodeUnits(a.id, b.id);
  });
}

/** Follows nextCursor to the end, from the first page or from `startCursor`; page sizes may vary per page. */
function walkPages(images: readonly Image[], filters: ImageFilters, sort: SortKey, limits: number[], startCursor?: string) {
  const pages: Image[][] = [];
  const totals: number[] = [];
  let cursor = startCursor;
  for (let i = 0; ; i++) {
    const limit = limits[i % limits.length];
    const result = queryImages(images, { filters, sort, limit, cursor });
    expect(result.items.length).toBeLessThanOrEqual(limit);
    pages.push(result.items);
    totals.push(result.total);
    if (result.nextCursor === null) break;
    expect(result.items).toHaveLength(limit);
    cursor = result.nextCursor;
    if (i > images.length + 1) throw new Error('paging does not terminate');
  }
  return { pages, items: pages.flat(), totals };
}

const ids = (images: readonly Image[]) => images.map((image) => image.id);

/** Rewrites a real cursor's body, keeping its query hash, to reach checks past the hash. */
function tamper(cursor: string, change: (body: Record<string, unknown>) => unknown): string {
  const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  return Buffer.from(JSON.stringify(change(body)), 'utf8').toString('base64url');
}

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

  describe('cursor binding', () => {
    const request: PageRequest = { filters: { providers: ['cloud-b', 'cloud-d'], osType: 'linux' }, sort: 'name', limit: 5 };
    const cursor = queryImages(catalog, request).nextCursor!;

    it.each<[string, Partial<PageRequest>]>([
      ['another filter value', { filters: { providers: ['cloud-b', 'cloud-d'], osType: 'windows' } }],
      ['an extra filter', { filters: { ...request.filters, name: 'ubuntu' } }],
      ['a dropped filter', { filters: { providers: ['cloud-b', 'cloud-d'] } }],
      ['other providers', { filters: { providers: ['cloud-b'], osType: 'linux' } }],
      ['another sort field', { sort: 'createdAt' }],
      ['the other direction', { sort: '-name' }],
    ])('rejects a cursor used with %s', (_, change) => {
      const run = () => queryImages(catalog, { ...request, ...change, cursor });
      expect(run).toThrow(InvalidCursorError);
      expect(run).toThrow('cursor belongs to another query');
    });

    it('accepts the same query with another limit, provider order or undefined members', () => {
      const expected = referenceQuery(catalog, request.filters, 'name');
      const next = queryImages(catalog, {
        filters: { osType: 'linux', name: undefined, providers: ['cloud-d', 'cloud-b', 'cloud-d'] },
        sort: 'name',
        limit: 12,
        cursor,
      });
      expect(ids(next.items)).toEqual(ids(expected.slice(5, 17)));
    });

    it('treats a name filter differing only in case as the same query', () => {
      const withName = queryImages(catalog, { filters: { name: 'Ubuntu' }, sort: 'name', limit: 3 }).nextCursor!;
      expect(() => queryImages(catalog, { filters: { name: 'UBUNTU' }, sort: 'name', limit: 3, cursor: withName })).not.toThrow();
    });
  });

  describe('malformed cursors', () => {
    const sizeCursor = queryImages(catalog, { filters: {}, sort: 'sizeBytes', limit: 5 }).nextCursor!;
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

    it.each<[string, string]>([
      ['the empty string', ''],
      ['random text', 'not a cursor!'],
      ['random base64url-looking text', 'abcDEF123_-x'],
      ['a single character', 'a'],
      ['standard base64 with padding', Buffer.from('{"q":"x","v":1,"id":"ab"}').toString('base64')],
      ['base64 of non-JSON', b64('hello world')],
      ['base64 of truncated JSON', b64('{"q":"abc","v":1,')],
      ['JSON null', b64('null')],
      ['a JSON array', b64('["q", 1, "id"]')],
      ['a JSON number', b64('42')],
      ['missing members', b64('{}')],
      ['a numeric query hash', tamper(sizeCursor, (body) => ({ ...body, q: 123 }))],
      ['a numeric id', tamper(sizeCursor, (body) => ({ ...body, id: 7 }))],
      ['a missing id', tamper(sizeCursor, ({ id: _, ...body }) => body)],
      ['a missing value', tamper(sizeCursor, ({ v: _, ...body }) => body)],
      ['an object value', tamper(sizeCursor, (body) => ({ ...body, v: { size: 1 } }))],
      ['a boolean value', tamper(sizeCursor, (body) => ({ ...body, v: true }))],
      ['a string value for a numeric sort', tamper(sizeCursor, (body) => ({ ...body, v: '1024' }))],
    ])('rejects %s', (_, cursor) => {
      const run = () => queryImages(catalog, { filters: {}, sort: 'sizeBytes', limit: 5, cursor });
      expect(run).toThrow(InvalidCursorError);
      expect(run).toThrow('cursor is malformed');
    });

    it.each<SortKey>(['name', '-createdAt'])('rejects a numeric value for a %s sort', (sort) => {
      const textCursor = queryImages(catalog, { filters: {}, sort, limit: 5 }).nextCursor!;
      const forged = tamper(textCursor, (body) => ({ ...body, v: 5 }));
      expect(() => queryImages(catalog, { filters: {}, sort, limit: 5, cursor: forged })).toThrow('cursor is malformed');
    });

    it('is an Error with its own name, for the gateway to map to a 400', () => {
      try {
        queryImages(catalog, { filters: {}, sort: 'name', limit: 5, cursor: '' });
        throw new Error('expected a throw');
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
        expect(error).toBeInstanceOf(InvalidCursorError);
        expect((error as Error).name).toBe('InvalidCursorError');
      }
    });
  });

  describe('against a naive reference, over random catalogs and queries', () => {
    function randomFilters(random: () => number): ImageFilters {
      const filters: ImageFilters = {};
      if (random() < 0.3) filters.providers = PROVIDERS.filter(() => random() < 0.5);
      if (random() < 0.3) filters.name = pick(random, ['ubuntu', 'UBUNTU 2', '中文', 'éCL', '64位', 'a', 'zzz']);
      if (random() < 0.2) filters.osType = pick(random, ['linux', 'windows', 'other'] as const);
      if (random() < 0.2) filters.architecture = pick(random, ['x86_64', 'arm64'] as const);
      if (random() < 0.2) filters.status = pick(random, ['available', 'pending', 'failed', 'deleted', 'unknown'] as const);
      if (random() < 0.2) filters.visibility = pick(random, ['public', 'private', 'shared', 'market'] as const);
      if (random() < 0.2) filters.region = pick(random, [...REGIONS, 'nowhere']);
      return filters;
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
