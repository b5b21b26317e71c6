/**
 * The `count` smallest items in ascending order, in O(n log count): a page needs only `limit + 1` of
 * thousands of matches, so a bounded max-heap beats sorting them all.
 */
export function smallestSorted<T>(items: readonly T[], count: number, compare: (a: T, b: T) => number): T[] {
  if (items.length <= count) return [...items].sort(compare);
  // heap[0] is the largest of the best `count` seen so far.
  const heap: T[] = items.slice(0, count);
  for (let i = (count >> 1) - 1; i >= 0; i--) siftDown(heap, i, compare);
  for (let i = count; i < items.length; i++) {
    if (compare(items[i], heap[0]) < 0) {
      heap[0] = items[i];
      siftDown(heap, 0, compare);
    }
  }
  return heap.sort(compare);
}

function siftDown<T>(heap: T[], start: number, compare: (a: T, b: T) => number): void {
  const item = heap[start];
  let index = start;
  for (;;) {
    let child = 2 * index + 1;
    if (child >= heap.length) break;
    if (child + 1 < heap.length && compare(heap[child + 1], heap[child]) > 0) child++;
    if (compare(heap[child], item) <= 0) break;
    heap[index] = heap[child];
    index = child;
  }
  heap[index] = item;
}
