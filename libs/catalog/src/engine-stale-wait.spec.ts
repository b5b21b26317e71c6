import { CachedCatalog, MemoryCatalogStore } from './catalog-store';
import { FakeProvider, after, buildEngine, read, settle, tagOf, track, upstream, useFakeClock } from './engine-spec-support';

// TTL 60 s, stale window 600 s, no refresh ahead, budget 5 s, STALE_WAIT_MS 300: a catalog read at 60 s is stale.
describe('CatalogEngine with a stale catalog in hand (staleWaitMs)', () => {
  const clock = useFakeClock();
  const options = { refreshAheadRatio: 1, staleWaitMs: 300 };

  it('answers a hung provider\'s slice from the stale catalog after 300 ms, not after the 5 s budget', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], options);
    await read(engine);
    a.answerWith('hang');
    await clock.to(60_000);
    const pending = track(read(engine));
    await clock.to(60_299);
    expect(pending.settled).toBe(false);
    await clock.to(60_300);
    expect(pending.value).toMatchObject({ status: 'stale', cache: 'stale', ageSeconds: 60, error: { code: 'UPSTREAM_TIMEOUT', detail: 'a did not answer within 300 ms' } });
    expect(tagOf(pending.value!)).toBe('a#1');
  });

  it('lets the refresh go on: reads meanwhile share it, each waiting 300 ms at most, and its catalog serves once it lands', async () => {
    const a = new FakeProvider('a');
    const { engine, fetches } = buildEngine([a], options);
    await read(engine);
    a.answerWith('manual');
    await clock.to(60_000);
    const first = track(read(engine));
    await clock.to(60_300);
    expect(first.value?.status).toBe('stale');

    await clock.to(61_000);
    const second = track(read(engine));
    await clock.to(61_300);
    expect(second.value).toMatchObject({ status: 'stale', ageSeconds: 61 });
    expect(a.calls).toHaveLength(2);

    a.resolve(2);
    await settle();
    expect(fetches.map((fetch) => fetch.code)).toEqual([undefined, undefined]);
    const landed = await read(engine);
    expect(landed).toMatchObject({ status: 'ok', cache: 'hit', ageSeconds: 0 });
    expect([tagOf(landed), a.calls.length]).toEqual(['a#2', 2]);
  });

  it('serves a refresh that answers within the wait as a fresh miss', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], options);
    await read(engine);
    a.answerWith(after(299));
    await clock.to(60_000);
    const pending = track(read(engine));
    await clock.to(60_299);
    expect(pending.value).toMatchObject({ status: 'ok', cache: 'miss', ageSeconds: 0 });
    expect(tagOf(pending.value!)).toBe('a#2');
  });

  it('waits the whole budget on refresh=true: the caller asked for the vendor\'s answer', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], options);
    await read(engine);
    a.answerWith(after(2000));
    await clock.to(60_000);
    const pending = track(read(engine, 'a', true));
    await clock.to(61_999);
    expect(pending.settled).toBe(false);
    await clock.to(62_000);
    expect(pending.value).toMatchObject({ status: 'ok', cache: 'bypass' });
    expect(tagOf(pending.value!)).toBe('a#2');
  });

  it('waits the whole budget when the catalog is past its stale window, or when no wait is set', async () => {
    const outside = new FakeProvider('a');
    const built = buildEngine([outside], options);
    await read(built.engine);
    outside.answerWith(after(2000));
    await clock.to(660_000);
    const late = track(read(built.engine));
    await clock.to(661_999);
    expect(late.settled).toBe(false);
    await clock.to(662_000);
    expect(late.value).toMatchObject({ status: 'ok', cache: 'miss' });

    const unset = new FakeProvider('a');
    const plain = buildEngine([unset], { refreshAheadRatio: 1 });
    await read(plain.engine);
    unset.answerWith(after(2000));
    await clock.to(722_000);
    const waited = track(read(plain.engine));
    await clock.to(723_999);
    expect(waited.settled).toBe(false);
    await clock.to(724_000);
    expect(waited.value).toMatchObject({ status: 'ok', cache: 'miss' });
  });
});

describe('CatalogEngine on refresh=true', () => {
  useFakeClock();

  /** Counts reads: a large catalog's read from Redis is a parse, not worth making before a fetch that replaces it. */
  class CountingStore extends MemoryCatalogStore {
    reads = 0;
    override async get(key: string): Promise<CachedCatalog | null> {
      this.reads++;
      return super.get(key);
    }
  }

  it('asks the vendor without reading the cached catalog first', async () => {
    const a = new FakeProvider('a');
    const store = new CountingStore();
    const { engine } = buildEngine([a], { refreshAheadRatio: 1 }, store);
    await read(engine);
    const readsBefore = store.reads;
    expect(await read(engine, 'a', true)).toMatchObject({ status: 'ok', cache: 'bypass' });
    expect(store.reads).toBe(readsBefore);
  });

  it('still falls back to the cached catalog when the vendor fails', async () => {
    const a = new FakeProvider('a');
    const store = new CountingStore();
    const { engine } = buildEngine([a], { refreshAheadRatio: 1 }, store);
    await read(engine);
    a.failWith(upstream('UPSTREAM_UNAVAILABLE'));
    const slice = await read(engine, 'a', true);
    expect(slice).toMatchObject({ status: 'stale', cache: 'stale', error: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(tagOf(slice)).toBe('a#1');
  });
});
