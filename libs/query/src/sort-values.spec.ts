import { Image } from '@images/core';
import { compareImages, SortKey } from './sort';
import { queryImages } from './query';
import { makeImage } from './test-images';

const sorted = (images: Image[], sort: SortKey) => [...images].sort(compareImages(sort)).map((image) => image.providerImageId);

describe('createdAt values that are not in the canonical form', () => {
  const at = (providerImageId: string, createdAt: string | null) => makeImage({ providerImageId, createdAt });

  it('reads a 24-character time with a compact offset (+0800) by its instant, not as UTC', () => {
    const images = [at('compact', '2024-02-15T08:00:00+0800'), at('before', '2024-02-14T23:59:59.999Z'), at('after', '2024-02-15T00:00:00.001Z')];
    expect(sorted(images, 'createdAt')).toEqual(['before', 'compact', 'after']);
    expect(sorted(images, '-createdAt')).toEqual(['after', 'compact', 'before']);
  });

  it('reads a 24-character time with a space for the T by its instant', () => {
    // Same instant as `a`: the tie goes to the id, as for any equal time.
    const images = [at('b-space', '2024-02-15 00:00:00.000Z'), at('a', '2024-02-15T00:00:00.000Z'), at('c', '2024-02-15T00:00:00.001Z')];
    expect(sorted(images, 'createdAt')).toEqual(['a', 'b-space', 'c']);
  });

  it('counts a 24-character time that does not parse as unknown, even shaped like the canonical one', () => {
    const images = [at('slashes', '2024/02/15T00:00:00.000Z'), at('null', null), at('real', '2030-01-01T00:00:00.000Z')];
    expect(sorted(images, 'createdAt')).toEqual(['real', 'null', 'slashes']);
    expect(sorted(images, '-createdAt')).toEqual(['real', 'null', 'slashes']);
  });

  it('counts a longer text with a Z at position 23 that does not parse as unknown', () => {
    const images = [at('junk', '2024-02-15T00:00:00.000Zjunk'), at('null', null), at('real', '2030-01-01T00:00:00.000Z')];
    expect(sorted(images, 'createdAt')).toEqual(['real', 'junk', 'null']);
  });

  it('counts a time outside years 0000-9999 as unknown', () => {
    const images = [at('far', '+010000-01-01T00:00:00Z'), at('null', null), at('real', '2000-01-01T00:00:00.000Z')];
    expect(sorted(images, 'createdAt')).toEqual(['real', 'far', 'null']);
    expect(sorted(images, '-createdAt')).toEqual(['real', 'far', 'null']);
  });

  it('pages through offset times by their instant, the cursor carrying the canonical UTC form', () => {
    const images = [at('compact', '2024-02-15T08:00:00+0800'), at('colon', '2024-02-15T09:00:00+08:00'), at('utc', '2024-02-15T00:30:00.000Z')];
    const first = queryImages(images, { filters: {}, sort: 'createdAt', limit: 1 });
    expect(first.items.map((image) => image.providerImageId)).toEqual(['compact']);
    expect(JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString('utf8')).v).toBe('2024-02-15T00:00:00.000Z');
    const rest = queryImages(images, { filters: {}, sort: 'createdAt', limit: 5, cursor: first.nextCursor! });
    expect(rest.items.map((image) => image.providerImageId)).toEqual(['utc', 'colon']);
  });
});

describe('sizeBytes values that are not numbers', () => {
  it('counts NaN and infinite sizes as unknown, after every real size in both directions', () => {
    const images = [
      makeImage({ providerImageId: 'nan', sizeBytes: Number.NaN }),
      makeImage({ providerImageId: 'inf', sizeBytes: Number.POSITIVE_INFINITY }),
      makeImage({ providerImageId: 'big', sizeBytes: 2 ** 40 }),
      makeImage({ providerImageId: 'small', sizeBytes: 1 }),
    ];
    expect(sorted(images, 'sizeBytes')).toEqual(['small', 'big', 'inf', 'nan']);
    expect(sorted(images, '-sizeBytes')).toEqual(['big', 'small', 'inf', 'nan']);
  });
});

describe('name values', () => {
  it('orders names equal but for case by their exact code units, identical names by id', () => {
    const images = [
      makeImage({ providerImageId: 'z-upper', name: 'Alpha' }),
      makeImage({ providerImageId: 'b-lower', name: 'alpha' }),
      makeImage({ providerImageId: 'a-lower', name: 'alpha' }),
    ];
    expect(sorted(images, 'name')).toEqual(['z-upper', 'a-lower', 'b-lower']);
    expect(sorted(images, '-name')).toEqual(['a-lower', 'b-lower', 'z-upper']);
  });

  it('continues a name sort after a cursor on a name equal but for case', () => {
    const images = ['ALPHA', 'Alpha', 'alpha', 'alphA'].map((name, i) => makeImage({ providerImageId: `i${i}`, name }));
    const first = queryImages(images, { filters: {}, sort: 'name', limit: 2 });
    expect(first.items.map((image) => image.name)).toEqual(['ALPHA', 'Alpha']);
    const rest = queryImages(images, { filters: {}, sort: 'name', limit: 5, cursor: first.nextCursor! });
    expect(rest.items.map((image) => image.name)).toEqual(['alphA', 'alpha']);
  });
});

describe('sort keys', () => {
  it('names the unknown sort in its error', () => {
    expect(() => compareImages('size' as never)).toThrow(new RangeError('unknown sort "size"'));
  });

  it('compares an image with itself as equal', () => {
    const image = makeImage();
    for (const sort of ['name', '-createdAt', 'sizeBytes'] as const) expect(compareImages(sort)(image, image)).toBe(0);
  });
});
