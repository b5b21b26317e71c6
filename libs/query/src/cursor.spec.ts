import { ImageFilters } from './filters';
import { InvalidCursorError, PageRequest, queryImages, SortKey } from './index';
import { ids, randomCatalog, referenceQuery, tamper } from './query-spec-support';
import { makeImage } from './test-images';

const catalog = randomCatalog(42, 300);

/** A cursor every filter accepts: a catalog of identical images, so each filter below keeps all of them. */
const uniform = Array.from({ length: 6 }, (_, i) =>
  makeImage({ providerImageId: `u-${i}`, provider: 'cloud-b', name: 'Ubuntu', osType: 'linux', architecture: 'x86_64', status: 'available', visibility: 'public', regions: ['cn-north-1', 'cn-east-3'] }),
);

function cursorFor(filters: ImageFilters, sort: SortKey = 'name'): string {
  const cursor = queryImages(uniform, { filters, sort, limit: 2 }).nextCursor;
  if (cursor === null) throw new Error('expected a next page');
  return cursor;
}

function expectAnotherQuery(run: () => unknown): void {
  expect(run).toThrow(InvalidCursorError);
  expect(run).toThrow('cursor belongs to another query');
}

describe('cursor binding', () => {
  // Each filter member with two values that keep the whole uniform catalog, so only the hash can tell them apart.
  const members: Array<[keyof ImageFilters, ImageFilters, ImageFilters]> = [
    ['providers', { providers: ['cloud-b'] }, { providers: ['cloud-b', 'cloud-c'] }],
    ['name', { name: 'ubuntu' }, { name: 'ubu' }],
    ['osType', { osType: 'linux' }, { osType: 'windows' }],
    ['architecture', { architecture: 'x86_64' }, { architecture: 'arm64' }],
    ['status', { status: 'available' }, { status: 'pending' }],
    ['visibility', { visibility: 'public' }, { visibility: 'private' }],
    ['region', { region: 'cn-north-1' }, { region: 'cn-east-3' }],
  ];

  it.each(members)('rejects a cursor made with one %s used with another', (_, made, used) => {
    const cursor = cursorFor(made);
    expectAnotherQuery(() => queryImages(uniform, { filters: used, sort: 'name', limit: 2, cursor }));
  });

  it.each(members)('rejects a cursor made with a %s filter used without it, and the reverse', (_, made) => {
    const withFilter = cursorFor(made);
    expectAnotherQuery(() => queryImages(uniform, { filters: {}, sort: 'name', limit: 2, cursor: withFilter }));
    const without = cursorFor({});
    expectAnotherQuery(() => queryImages(uniform, { filters: made, sort: 'name', limit: 2, cursor: without }));
  });

  it.each(members)('accepts a cursor made with a %s filter for the same filter, and continues after it', (_, made) => {
    const cursor = cursorFor(made);
    const next = queryImages(uniform, { filters: made, sort: 'name', limit: 2, cursor });
    expect(next.items.map((image) => image.providerImageId)).toEqual(['u-2', 'u-3']);
  });

  it.each<[string, SortKey, SortKey]>([
    ['another sort field', 'name', 'createdAt'],
    ['the other direction', 'name', '-name'],
    ['size instead of name', 'name', 'sizeBytes'],
    ['ascending size instead of descending', '-sizeBytes', 'sizeBytes'],
  ])('rejects a cursor used with %s', (_, made, used) => {
    const cursor = cursorFor({}, made);
    expectAnotherQuery(() => queryImages(uniform, { filters: {}, sort: used, limit: 2, cursor }));
  });

  it('accepts the same query with another limit, provider order, duplicate providers or undefined members', () => {
    const request: PageRequest = { filters: { providers: ['cloud-b', 'cloud-d'], osType: 'linux' }, sort: 'name', limit: 5 };
    const cursor = queryImages(catalog, request).nextCursor!;
    const expected = referenceQuery(catalog, request.filters, 'name');
    const next = queryImages(catalog, {
      filters: { osType: 'linux', name: undefined, providers: ['cloud-d', 'cloud-b', 'cloud-d'] },
      sort: 'name',
      limit: 12,
      cursor,
    });
    expect(ids(next.items)).toEqual(ids(expected.slice(5, 17)));
  });

  it('treats providers listed in another order or repeated as the same query', () => {
    const cursor = cursorFor({ providers: ['cloud-c', 'cloud-b'] });
    for (const providers of [['cloud-b', 'cloud-c'], ['cloud-c', 'cloud-b', 'cloud-c', 'cloud-b']]) {
      expect(queryImages(uniform, { filters: { providers }, sort: 'name', limit: 2, cursor }).items).toHaveLength(2);
    }
  });

  it('binds listed values as a set: order and repeats make no difference, one listed value is that value, another set is another query', () => {
    const cursor = cursorFor({ status: ['available', 'pending'], region: ['cn-east-3', 'cn-north-1'] });
    const same = { status: ['pending', 'available', 'pending'] as const, region: ['cn-north-1', 'cn-east-3'] };
    expect(queryImages(uniform, { filters: same, sort: 'name', limit: 2, cursor }).items).toHaveLength(2);
    expectAnotherQuery(() => queryImages(uniform, { filters: { status: ['available'], region: same.region }, sort: 'name', limit: 2, cursor }));
    expectAnotherQuery(() => queryImages(uniform, { filters: { status: same.status, region: ['cn-east-3'] }, sort: 'name', limit: 2, cursor }));
    const single = cursorFor({ osType: 'linux' });
    expect(queryImages(uniform, { filters: { osType: ['linux', 'linux'] }, sort: 'name', limit: 2, cursor: single }).items).toHaveLength(2);
  });

  it('treats a name filter differing only in case as the same query, and an empty one as none', () => {
    const withName = cursorFor({ name: 'Ubuntu' });
    expect(queryImages(uniform, { filters: { name: 'UBUNTU' }, sort: 'name', limit: 2, cursor: withName }).items).toHaveLength(2);
    const withoutName = cursorFor({});
    expect(queryImages(uniform, { filters: { name: '' }, sort: 'name', limit: 2, cursor: withoutName }).items).toHaveLength(2);
  });

  it('keeps cursors short: the query is carried as a 16-character hash', () => {
    const body = JSON.parse(Buffer.from(cursorFor({ providers: ['cloud-b'], name: 'ubuntu' }), 'base64url').toString('utf8'));
    expect(body.q).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});

describe('malformed cursors', () => {
  const sizeCursor = () => queryImages(catalog, { filters: {}, sort: 'sizeBytes', limit: 5 }).nextCursor!;
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  /** A real cursor re-encoded with its id padded so that its length is `remainder` modulo 4 (the length check passes or not). */
  const alignedCursor = (remainder: 0 | 2 | 3) => {
    for (let pad = 0; ; pad++) {
      const cursor = tamper(sizeCursor(), (body) => ({ ...body, id: `${body.id}${'x'.repeat(pad)}` }));
      if (cursor.length % 4 === remainder) return cursor;
    }
  };

  it.each<[string, () => unknown]>([
    ['the empty string', () => ''],
    ['random text', () => 'not a cursor!'],
    ['random base64url-looking text', () => 'abcDEF123_-x'],
    ['a single character', () => 'a'],
    ['standard base64 with padding', () => Buffer.from('{"q":"x","v":1,"id":"ab"}').toString('base64')],
    ['base64 of non-JSON', () => b64('hello world')],
    ['base64 of truncated JSON', () => b64('{"q":"abc","v":1,')],
    ['JSON null', () => b64('null')],
    ['a JSON array', () => b64('["q", 1, "id"]')],
    ['a JSON number', () => b64('42')],
    ['missing members', () => b64('{}')],
    ['a numeric query hash', () => tamper(sizeCursor(), (body) => ({ ...body, q: 123 }))],
    ['a numeric id', () => tamper(sizeCursor(), (body) => ({ ...body, id: 7 }))],
    ['a missing id', () => tamper(sizeCursor(), ({ id: _, ...body }) => body)],
    ['a missing value', () => tamper(sizeCursor(), ({ v: _, ...body }) => body)],
    ['an object value', () => tamper(sizeCursor(), (body) => ({ ...body, v: { size: 1 } }))],
    ['a boolean value', () => tamper(sizeCursor(), (body) => ({ ...body, v: true }))],
    ['a string value for a numeric sort', () => tamper(sizeCursor(), (body) => ({ ...body, v: '1024' }))],
    // JSON.parse reads 1e999 as Infinity, which no image's size can be.
    ['an infinite value', () => b64(JSON.stringify(JSON.parse(Buffer.from(sizeCursor(), 'base64url').toString('utf8'))).replace(/"v":[^,]+/, '"v":1e999'))],
    // Buffer's decoder would skip the stray characters and read the real cursor behind them.
    ['a real cursor behind a character outside base64url', () => `!${alignedCursor(3)}`],
    ['a real cursor followed by a character outside base64url', () => `${alignedCursor(3)}!`],
    ['a real cursor with a character outside base64url inside', () => { const c = alignedCursor(2); return `${c.slice(0, 8)}.${c.slice(8)}`; }],
    // No base64 encoding has 4n+1 characters: the decoder drops the stray last one.
    ['a real cursor with one character too many', () => `${alignedCursor(0)}A`],
    ['a number (not a string at all)', () => 1234],
  ])('rejects %s', (_, make) => {
    const cursor = make() as string;
    const run = () => queryImages(catalog, { filters: {}, sort: 'sizeBytes', limit: 5, cursor });
    expect(run).toThrow(InvalidCursorError);
    expect(run).toThrow('cursor is malformed');
  });

  it.each([0, 2, 3] as const)('accepts the re-encoded cursor the tests above spoil (length %i modulo 4), so only the spoiling is refused', (remainder) => {
    expect(() => queryImages(catalog, { filters: {}, sort: 'sizeBytes', limit: 5, cursor: alignedCursor(remainder) })).not.toThrow();
  });

  it.each<SortKey>(['name', '-createdAt'])('rejects a numeric value for a %s sort', (sort) => {
    const textCursor = queryImages(catalog, { filters: {}, sort, limit: 5 }).nextCursor!;
    const forged = tamper(textCursor, (body) => ({ ...body, v: 5 }));
    expect(() => queryImages(catalog, { filters: {}, sort, limit: 5, cursor: forged })).toThrow('cursor is malformed');
  });

  it.each<SortKey>(['name', 'createdAt', 'sizeBytes'])('accepts a null value (the last item had no %s)', (sort) => {
    const images = [makeImage({ providerImageId: 'a', name: null, createdAt: null, sizeBytes: null }), makeImage({ providerImageId: 'b', name: null, createdAt: null, sizeBytes: null })];
    const first = queryImages(images, { filters: {}, sort, limit: 1 });
    expect(first.items.map((image) => image.providerImageId)).toEqual(['a']);
    const second = queryImages(images, { filters: {}, sort, limit: 1, cursor: first.nextCursor! });
    expect(second.items.map((image) => image.providerImageId)).toEqual(['b']);
    expect(second.nextCursor).toBeNull();
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
