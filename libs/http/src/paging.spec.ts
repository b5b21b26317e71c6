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

describe('fetchAllPages edges', () => {
  const numbers = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  it('asks nothing more when page one is empty, whatever total it announces', async () => {
    const calls: number[] = [];
    const all = await fetchAllPages({ pageSize: 10, concurrency: 2, fetchPage: async (i) => { calls.push(i); return { items: [], total: 50 }; } });
    expect([all, calls]).toEqual([[], [0]]);
  });

  it('stops at page one when the total fits in it', async () => {
    const calls: number[] = [];
    const all = await fetchAllPages({ pageSize: 10, concurrency: 2, fetchPage: async (i) => { calls.push(i); return { items: numbers(0, 4), total: 4 }; } });
    expect([all, calls]).toEqual([numbers(0, 4), [0]]);
  });

  it('fetches the last partial page: 21 items in pages of 10 are 3 pages', async () => {
    const calls: Array<[number, number]> = [];
    const all = await fetchAllPages({
      pageSize: 10, concurrency: 1,
      fetchPage: async (i, size) => { calls.push([i, size]); return { items: numbers(i * size, Math.min(size, 21 - i * size)), total: 21 }; },
    });
    expect(all).toEqual(numbers(0, 21));
    expect(calls).toEqual([[0, 10], [1, 10], [2, 10]]);
  });

  it('caps an absurd total at maxPages (1000 by default)', async () => {
    const calls: number[] = [];
    const fetchPage = async (i: number) => { calls.push(i); return { items: [i], total: 1e9 }; };
    expect(await fetchAllPages({ pageSize: 1, concurrency: 8, maxPages: 5, fetchPage })).toEqual([0, 1, 2, 3, 4]);
    calls.length = 0;
    expect(await fetchAllPages({ pageSize: 1, concurrency: 50, fetchPage })).toHaveLength(1000);
    expect(Math.max(...calls)).toBe(999);
  });

  it('walking without a total, stops at maxPages and keeps the size page one showed', async () => {
    const calls: Array<[number, number]> = [];
    const all = await fetchAllPages({ pageSize: 10, concurrency: 2, maxPages: 3, fetchPage: async (i, size) => { calls.push([i, size]); return { items: numbers(i * 4, 4), total: null }; } });
    expect(all).toEqual(numbers(0, 12));
    expect(calls).toEqual([[0, 10], [1, 4], [2, 4]]);
  });

  it('walking without a total, keeps a short last page and stops after it', async () => {
    const calls: number[] = [];
    const sizes = [3, 3, 1, 3];
    const all = await fetchAllPages({ pageSize: 3, concurrency: 2, fetchPage: async (i) => { calls.push(i); return { items: numbers(i * 3, sizes[i]), total: null }; } });
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(calls).toEqual([0, 1, 2]);
  });
});

describe('mapWithConcurrency edges', () => {
  it('keeps input order whatever order the tasks finish in', async () => {
    const delays = [30, 5, 15, 0];
    const out = await mapWithConcurrency(delays, 4, async (ms) => { await new Promise((r) => setTimeout(r, ms)); return ms * 2; });
    expect(out).toEqual([60, 10, 30, 0]);
  });

  it('runs one at a time with a concurrency under one, and nothing for no inputs', async () => {
    let inFlight = 0;
    let peak = 0;
    const task = async (n: number) => { inFlight++; peak = Math.max(peak, inFlight); await new Promise((r) => setTimeout(r, 2)); inFlight--; return n; };
    expect(await mapWithConcurrency([1, 2, 3], 0, task)).toEqual([1, 2, 3]);
    expect(peak).toBe(1);
    expect(await mapWithConcurrency([], 4, task)).toEqual([]);
  });

  it('starts no task after a failure, even on the worker that failed', async () => {
    const started: number[] = [];
    await expect(mapWithConcurrency([0, 1, 2, 3], 1, async (n) => { started.push(n); if (n === 1) throw new Error('no'); return n; })).rejects.toThrow('no');
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([0, 1]);
  });
});
