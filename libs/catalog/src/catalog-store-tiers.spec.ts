import { Image } from '@images/core';
import { CachedCatalog, MemoryCatalogStore, TieredCatalogStore } from './catalog-store';

// The memory tier and the tiered store on jest's fake clock; the shared tier is a second MemoryCatalogStore that counts
// its reads (what Redis is to a replica), so the windows are exact to the millisecond.
const T0 = Date.UTC(2030, 0, 1);
const catalog = (tag: string, fetchedAt: number): CachedCatalog => ({ images: [{ id: `a:${tag}`, providerImageId: tag } as Image], fetchedAt });

class CountingTier extends MemoryCatalogStore {
  reads = 0;
  override async get(key: string): Promise<CachedCatalog | null> {
    this.reads++;
    return super.get(key);
  }
}

beforeEach(() => {
  jest.useFakeTimers();
  jest.setSystemTime(T0);
});
afterEach(() => jest.useRealTimers());

describe('MemoryCatalogStore', () => {
  it('keeps an entry for exactly retainMs', async () => {
    const store = new MemoryCatalogStore();
    const entry = catalog('1', T0);
    await store.set('k', entry, 1000);
    jest.setSystemTime(T0 + 999);
    expect(await store.get('k')).toBe(entry);
    expect(await store.getShared('k')).toBe(entry);
    jest.setSystemTime(T0 + 1000);
    expect(store.peek('k')).toBeNull();
  });

  it('is null for a key it never had', async () => {
    expect(await new MemoryCatalogStore().get('nope')).toBeNull();
    expect(new MemoryCatalogStore().readNow('nope')).toBeNull();
  });

  it('answers readNow from memory, as get does, until the retention ends', async () => {
    const store = new MemoryCatalogStore();
    const entry = catalog('1', T0);
    await store.set('k', entry, 1000);
    jest.setSystemTime(T0 + 999);
    expect(store.readNow('k')).toBe(entry);
    jest.setSystemTime(T0 + 1000);
    expect(store.readNow('k')).toBeNull();
  });

  it('forgets the least recently written key once it holds maxEntries', async () => {
    const store = new MemoryCatalogStore(2);
    await store.set('a', catalog('a', T0), 60_000);
    await store.set('b', catalog('b', T0), 60_000);
    // Writing `a` again makes `b` the oldest.
    await store.set('a', catalog('a2', T0), 60_000);
    await store.set('c', catalog('c', T0), 60_000);
    expect([store.peek('a')?.images[0].providerImageId, store.peek('b'), store.peek('c')?.images[0].providerImageId]).toEqual(['a2', null, 'c']);
  });

  it('holds 256 entries by default', async () => {
    const store = new MemoryCatalogStore();
    for (let i = 0; i < 257; i++) await store.set(`k${i}`, catalog(String(i), T0), 60_000);
    expect(store.peek('k0')).toBeNull();
    expect(store.peek('k1')).not.toBeNull();
    expect(store.peek('k256')).not.toBeNull();
  });

  it('drops a key on delete and on evictLocal', async () => {
    const store = new MemoryCatalogStore();
    await store.set('a', catalog('a', T0), 60_000);
    await store.set('b', catalog('b', T0), 60_000);
    await store.delete('a');
    store.evictLocal('b');
    expect([store.peek('a'), store.peek('b')]).toEqual([null, null]);
  });
});

describe('TieredCatalogStore', () => {
  // Fresh for 10 s, kept 60 s, a stale local copy rechecked against the shared tier every 1 s.
  const build = () => {
    const memory = new MemoryCatalogStore();
    const shared = new CountingTier();
    return { memory, shared, store: new TieredCatalogStore(memory, shared, 10_000, 60_000) };
  };

  it('answers a fresh local copy without asking the shared tier, up to its fresh time', async () => {
    const { shared, store } = build();
    const entry = catalog('1', T0);
    await store.set('k', entry, 60_000);
    jest.setSystemTime(T0 + 9_999);
    expect(await store.get('k')).toBe(entry);
    expect(shared.reads).toBe(0);
    jest.setSystemTime(T0 + 10_000);
    expect(await store.get('k')).toBe(entry);
    expect(shared.reads).toBe(1);
  });

  it('asks the shared tier about a stale local copy once per second', async () => {
    const { shared, store } = build();
    await store.set('k', catalog('1', T0 - 20_000), 60_000);
    await store.get('k');
    jest.setSystemTime(T0 + 999);
    await store.get('k');
    expect(shared.reads).toBe(1);
    jest.setSystemTime(T0 + 1000);
    await store.get('k');
    expect(shared.reads).toBe(2);
  });

  it('tells without I/O (readNow) exactly when get would answer from memory', async () => {
    const { shared, store } = build();
    expect(store.readNow('k')).toBeUndefined();
    const entry = catalog('1', T0);
    await store.set('k', entry, 60_000);
    jest.setSystemTime(T0 + 9_999);
    expect(store.readNow('k')).toBe(entry);
    // Stale: only the shared tier can tell, until it was asked less than a second ago.
    jest.setSystemTime(T0 + 10_000);
    expect(store.readNow('k')).toBeUndefined();
    await store.get('k');
    jest.setSystemTime(T0 + 10_999);
    expect(store.readNow('k')).toBe(entry);
    jest.setSystemTime(T0 + 11_000);
    expect(store.readNow('k')).toBeUndefined();
    expect(shared.reads).toBe(1);
  });

  it('asks the shared tier when it has no local copy, every time', async () => {
    const { shared, store } = build();
    expect(await store.get('k')).toBeNull();
    expect(await store.get('k')).toBeNull();
    expect(shared.reads).toBe(2);
  });

  it('adopts a newer shared copy, keeping it locally only until its own retention ends', async () => {
    const { memory, shared, store } = build();
    await memory.set('k', catalog('old', T0 - 20_000), 60_000);
    const newer = catalog('new', T0 - 5_000);
    await shared.set('k', newer, 60_000);
    expect(await store.getShared('k')).toBe(newer);
    jest.setSystemTime(T0 + 54_999);
    expect(memory.peek('k')).toBe(newer);
    jest.setSystemTime(T0 + 55_000);
    expect(memory.peek('k')).toBeNull();
  });

  it('keeps its local copy when the shared one is as old or older', async () => {
    const { memory, shared, store } = build();
    const local = catalog('local', T0 - 20_000);
    await memory.set('k', local, 60_000);
    await shared.set('k', catalog('same-age', T0 - 20_000), 60_000);
    expect(await store.getShared('k')).toBe(local);
    await shared.set('k', catalog('older', T0 - 30_000), 60_000);
    expect(await store.getShared('k')).toBe(local);
  });

  it('returns a shared copy past the retention without keeping it locally', async () => {
    const { memory, shared, store } = build();
    const ancient = catalog('ancient', T0 - 60_000);
    await shared.set('k', ancient, 1e9);
    expect(await store.getShared('k')).toBe(ancient);
    expect(memory.peek('k')).toBeNull();
  });

  it('writes both tiers with the retention asked for', async () => {
    const { memory, shared, store } = build();
    await store.set('k', catalog('1', T0), 5_000);
    jest.setSystemTime(T0 + 4_999);
    expect([memory.peek('k')?.fetchedAt, shared.peek('k')?.fetchedAt]).toEqual([T0, T0]);
    jest.setSystemTime(T0 + 5_000);
    expect([memory.peek('k'), shared.peek('k')]).toEqual([null, null]);
  });

  it('delete drops both tiers and forgets when the shared tier was last asked', async () => {
    const { memory, shared, store } = build();
    await store.set('k', catalog('1', T0 - 20_000), 60_000);
    await store.get('k');
    await store.delete('k');
    expect([memory.peek('k'), shared.peek('k')]).toEqual([null, null]);
    // A stale copy written again right after is checked against the shared tier at once.
    await memory.set('k', catalog('2', T0 - 20_000), 60_000);
    await store.get('k');
    expect(shared.reads).toBe(2);
  });

  it('evictLocal drops only the memory copy and forgets when the shared tier was last asked', async () => {
    const { memory, shared, store } = build();
    await store.set('k', catalog('1', T0 - 20_000), 60_000);
    await store.get('k');
    store.evictLocal('k');
    expect(memory.peek('k')).toBeNull();
    expect(shared.peek('k')).not.toBeNull();
    await memory.set('k', catalog('2', T0 - 30_000), 60_000);
    expect((await store.get('k'))?.images[0].providerImageId).toBe('1');
    expect(shared.reads).toBe(2);
  });

  it('does not start the recheck window on a read that found no local copy', async () => {
    const { memory, shared, store } = build();
    await store.get('k');
    await memory.set('k', catalog('1', T0 - 20_000), 60_000);
    await store.get('k');
    expect(shared.reads).toBe(2);
  });

  it('rechecks after the interval it was given', async () => {
    const memory = new MemoryCatalogStore();
    const shared = new CountingTier();
    const store = new TieredCatalogStore(memory, shared, 10_000, 60_000, 200);
    await store.set('k', catalog('1', T0 - 20_000), 60_000);
    await store.get('k');
    jest.setSystemTime(T0 + 199);
    await store.get('k');
    jest.setSystemTime(T0 + 200);
    await store.get('k');
    expect(shared.reads).toBe(2);
  });
});
