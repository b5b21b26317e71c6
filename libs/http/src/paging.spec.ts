import { fetchAllPages, mapWithConcurrency } from './paging';

describe('fetchAllPages', () => {
  const catalog = Array.from({ length: 250 }, (_, i) => i);
  const pager = (cap: number, calls: Array<[number, number]>) => async (pageIndex: number, pageSize: number) => {
    calls.push([pageIndex, pageSize]);
    const size = Math.min(pageSize, cap);
    return { items: catalog.slice(pageIndex * size, pageIndex * size + size), total: catalog.length };
  };

  it('fetches page one, then the remaining pages, in order', async () => {
    const calls: Array<[number, number]> = [];
    const all = await fetchAllPages({ pageSize: 100, concurrency: 4, fetchPage: pager(100, calls) });
    expect(all).toEqual(catalog);
    expect(calls).toEqual([[0, 100], [1, 100], [2, 100]]);
  });

  it('adopts a page-size cap the vendor showed on page one', async () => {
    const calls: Array<[number, number]> = [];
    const all = await fetchAllPages({ pageSize: 100, concurrency: 2, fetchPage: pager(30, calls) });
    expect(all).toEqual(catalog);
    expect(calls).toHaveLength(Math.ceil(250 / 30));
  });

  it('walks sequentially until a short page when the vendor gives no total', async () => {
    const calls: number[] = [];
    const all = await fetchAllPages({
      pageSize: 100,
      concurrency: 4,
      fetchPage: async (i, size) => { calls.push(i); return { items: catalog.slice(i * size, i * size + size), total: null }; },
    });
    expect(all).toEqual(catalog);
    expect(calls).toEqual([0, 1, 2]);
  });

  it('never has more pages in flight than the concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    await fetchAllPages({
      pageSize: 10,
      concurrency: 3,
      fetchPage: async (i, size) => {
        inFlight++; peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return { items: catalog.slice(i * size, i * size + size), total: catalog.length };
      },
    });
    expect(peak).toBe(3);
  });
});

describe('mapWithConcurrency', () => {
  it('starts no further task after one fails', async () => {
    const started: number[] = [];
    await expect(
      mapWithConcurrency([0, 1, 2, 3, 4, 5, 6, 7], 2, async (n) => {
        started.push(n);
        await new Promise((r) => setTimeout(r, 5));
        if (n === 1) throw new Error('page 1 failed');
        return n;
      }),
    ).rejects.toThrow('page 1 failed');
    await new Promise((r) => setTimeout(r, 30));
    expect(started.length).toBeLessThanOrEqual(3);
  });
});
