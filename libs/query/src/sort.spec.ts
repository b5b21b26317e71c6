import { Image } from '@images/core';
import { compareImages, SORT_KEYS } from './sort';
import { makeImage, seededRandom } from './test-images';

const ids = (images: Image[]) => images.map((image) => image.providerImageId);

function shuffled<T>(values: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...values];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function sortedIds(images: readonly Image[], sort: (typeof SORT_KEYS)[number]): string[] {
  return ids(shuffled(images, 7).sort(compareImages(sort)));
}

describe('compareImages', () => {
  describe('createdAt', () => {
    const images = [
      makeImage({ providerImageId: 'c', createdAt: '2024-03-01T00:00:00.000Z' }),
      makeImage({ providerImageId: 'nullB', createdAt: null }),
      makeImage({ providerImageId: 'b', createdAt: '2024-02-01T00:00:00.000Z' }),
      makeImage({ providerImageId: 'tieY', createdAt: '2024-02-15T00:00:00.000Z' }),
      makeImage({ providerImageId: 'nullA', createdAt: null }),
      makeImage({ providerImageId: 'tieX', createdAt: '2024-02-15T00:00:00.000Z' }),
      makeImage({ providerImageId: 'a', createdAt: '2023-12-31T23:59:59.999Z' }),
    ];

    it('ascending, ties by id ascending, nulls last', () => {
      expect(sortedIds(images, 'createdAt')).toEqual(['a', 'b', 'tieX', 'tieY', 'c', 'nullA', 'nullB']);
    });

    it('descending, ties still by id ascending, nulls still last', () => {
      expect(sortedIds(images, '-createdAt')).toEqual(['c', 'tieX', 'tieY', 'b', 'a', 'nullA', 'nullB']);
    });

    it('orders a timestamp in another form by its instant, and an unparsable one as unknown', () => {
      const odd = [
        makeImage({ providerImageId: 'offset', createdAt: '2024-02-15T08:00:00+08:00' }),
        makeImage({ providerImageId: 'garbage', createdAt: 'not a date' }),
        makeImage({ providerImageId: 'zzz', createdAt: '2024-02-15T00:00:00.000Z' }),
        makeImage({ providerImageId: 'early', createdAt: '2024-02-14T23:59:59.999Z' }),
      ];
      expect(sortedIds(odd, 'createdAt')).toEqual(['early', 'offset', 'zzz', 'garbage']);
      expect(sortedIds(odd, '-createdAt')).toEqual(['offset', 'zzz', 'early', 'garbage']);
    });
  });

  describe('sizeBytes', () => {
    const images = [
      makeImage({ providerImageId: 'big', sizeBytes: 40 * 2 ** 30 }),
      makeImage({ providerImageId: 'null', sizeBytes: null }),
      makeImage({ providerImageId: 'zero', sizeBytes: 0 }),
      makeImage({ providerImageId: 'tie2', sizeBytes: 512 }),
      makeImage({ providerImageId: 'tie1', sizeBytes: 512 }),
      makeImage({ providerImageId: 'mid', sizeBytes: 9_000 }),
    ];

    it('ascending, zero is a value and not null', () => {
      expect(sortedIds(images, 'sizeBytes')).toEqual(['zero', 'tie1', 'tie2', 'mid', 'big', 'null']);
    });

    it('descending, ties by id ascending, nulls last', () => {
      expect(sortedIds(images, '-sizeBytes')).toEqual(['big', 'mid', 'tie1', 'tie2', 'zero', 'null']);
    });
  });

  describe('name', () => {
    const images = [
      makeImage({ providerImageId: 'lower-b', name: 'b' }),
      makeImage({ providerImageId: 'umlaut', name: 'ä' }),
      makeImage({ providerImageId: 'null', name: null }),
      makeImage({ providerImageId: 'upper-a', name: 'A' }),
      makeImage({ providerImageId: 'upper-b', name: 'B' }),
      makeImage({ providerImageId: 'lower-a2', name: 'a' }),
      makeImage({ providerImageId: 'lower-a1', name: 'a' }),
      makeImage({ providerImageId: 'chinese', name: '中文' }),
      makeImage({ providerImageId: 'ubuntu', name: 'Ubuntu' }),
      makeImage({ providerImageId: 'ubuntu-lts', name: 'ubuntu LTS' }),
    ];

    it('ascending: case-insensitive, then exact code-unit order, then id; nulls last', () => {
      expect(sortedIds(images, 'name')).toEqual([
        'upper-a', 'lower-a1', 'lower-a2', 'upper-b', 'lower-b', 'ubuntu', 'ubuntu-lts', 'umlaut', 'chinese', 'null',
      ]);
    });

    it('descending: the whole name order reversed, ties by id ascending, nulls last', () => {
      expect(sortedIds(images, '-name')).toEqual([
        'chinese', 'umlaut', 'ubuntu-lts', 'ubuntu', 'lower-b', 'upper-b', 'lower-a1', 'lower-a2', 'upper-a', 'null',
      ]);
    });
  });

  it('gives the same order whatever the input order', () => {
    const random = seededRandom(11);
    const images = Array.from({ length: 200 }, (_, i) =>
      makeImage({
        providerImageId: `img-${i}`,
        name: random() < 0.1 ? null : ['alpha', 'Alpha', 'beta', 'BETA', 'Ωmega'][i % 5],
        sizeBytes: random() < 0.1 ? null : i % 7,
        createdAt: random() < 0.1 ? null : new Date(Date.UTC(2024, 0, 1 + (i % 9))).toISOString(),
      }),
    );
    for (const sort of SORT_KEYS) {
      expect(ids(shuffled(images, 1).sort(compareImages(sort)))).toEqual(ids(shuffled(images, 2).sort(compareImages(sort))));
    }
  });

  it('rejects an unknown sort', () => {
    expect(() => compareImages('size' as never)).toThrow(RangeError);
  });
});
