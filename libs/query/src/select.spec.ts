import { smallestSorted } from './select';
import { seededRandom } from './test-images';

describe('smallestSorted', () => {
  const byNumber = (a: number, b: number) => a - b;

  it('returns all items sorted when there are no more than asked for', () => {
    expect(smallestSorted([3, 1, 2], 3, byNumber)).toEqual([1, 2, 3]);
    expect(smallestSorted([3, 1, 2], 10, byNumber)).toEqual([1, 2, 3]);
    expect(smallestSorted([], 1, byNumber)).toEqual([]);
  });

  it('leaves its input untouched', () => {
    const items = [5, 4, 3, 2, 1];
    smallestSorted(items, 2, byNumber);
    smallestSorted(items, 9, byNumber);
    expect(items).toEqual([5, 4, 3, 2, 1]);
  });

  it('matches a full sort on random, duplicated, ascending and descending input', () => {
    const random = seededRandom(5);
    for (let run = 0; run < 200; run++) {
      const length = Math.floor(random() * 300);
      const randomItems = Array.from({ length }, () => Math.floor(random() * 50));
      const inputs = [randomItems, [...randomItems].sort(byNumber), [...randomItems].sort(byNumber).reverse()];
      const count = 1 + Math.floor(random() * 60);
      for (const items of inputs) {
        expect(smallestSorted(items, count, byNumber)).toEqual([...items].sort(byNumber).slice(0, count));
      }
    }
  });
});
