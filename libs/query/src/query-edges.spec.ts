import { CatalogIndex } from './catalog-index';
import { InvalidCursorError, queryImages } from './index';
import { makeImage } from './test-images';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('query edges', () => {
  it('names the refused limit, in queryImages and in the index alike', () => {
    for (const page of [(limit: number) => queryImages([], { filters: {}, sort: 'name', limit }), (limit: number) => new CatalogIndex([]).page({ filters: {}, sort: 'name', limit })]) {
      expect(() => page(0)).toThrow('limit must be a positive integer, got 0');
      expect(() => page(2.5)).toThrow('limit must be a positive integer, got 2.5');
    }
  });

  it('refuses a cursor whose JSON is null, or whose id is not a string, as malformed (not a TypeError)', () => {
    for (const cursor of [base64url(null), base64url({ q: 'x', v: null, id: 5 }), base64url({ q: 'x', v: 'a', id: null })]) {
      expect(() => queryImages([], { filters: {}, sort: 'name', limit: 1, cursor })).toThrow(new InvalidCursorError('cursor is malformed'));
    }
  });

  it('folds names to lower case for the name sort: "_x" before "ax" (upper case would put "_" after "A")', () => {
    const images = ['ax', '_x'].map((name, i) => makeImage({ providerImageId: `i${i}`, name }));
    expect(queryImages(images, { filters: {}, sort: 'name', limit: 2 }).items.map((image) => image.name)).toEqual(['_x', 'ax']);
    expect(new CatalogIndex(images).page({ filters: {}, sort: 'name', limit: 2 }).items.map((image) => image.name)).toEqual(['_x', 'ax']);
  });

  it('sorts a catalog once per sort order: a second filter set reuses the order the first one built', () => {
    let nameReads = 0;
    const images = ['b', 'a', 'c'].map((name, i) => {
      const image = makeImage({ providerImageId: `i${i}`, name, osType: i === 1 ? 'windows' : 'linux' });
      return Object.defineProperty({ ...image }, 'name', { get: () => (nameReads++, name), enumerable: true });
    });
    const index = new CatalogIndex(images);
    expect(index.page({ filters: { osType: 'linux' }, sort: 'name', limit: 5 }).items.map((image) => image.name)).toEqual(['b', 'c']);
    const afterFirst = nameReads;
    expect(index.page({ filters: { osType: 'windows' }, sort: 'name', limit: 5 }).items.map((image) => image.name)).toEqual(['a']);
    // Only the answer's own reads of the one item: the catalog was not keyed and sorted again.
    expect(nameReads - afterFirst).toBeLessThanOrEqual(1);
  });
});
