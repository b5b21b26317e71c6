import { MemoryCatalogStore } from './catalog-store';
import { EPOCH, FakeProvider, KeepingStore, after, buildEngine, read, settle, tagOf, track, upstream, useFakeClock } from './engine-spec-support';

// TTL 60 s, stale window 600 s, refresh ahead at 80% (48 s): the boundaries below are exact to the millisecond.
describe('CatalogEngine freshness on a fake clock', () => {
  const clock = useFakeClock();

  it('answers a hit held in memory without a timer (no race against the budget)', async () => {
    const { engine } = buildEngine([new FakeProvider('a')]);
    await read(engine);
    await settle();
    const timers = jest.spyOn(global, 'setTimeout');
    try {
      expect(await read(engine)).toMatchObject({ status: 'ok', cache: 'hit' });
      expect(timers).not.toHaveBeenCalled();
    } finally {
      timers.mockRestore();
    }
  });

  describe('refresh ahead', () => {
    it('answers from the cache, without calling the provider, until just before 80% of the TTL', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a]);
      expect(await read(engine)).toMatchObject({ status: 'ok', cache: 'miss', ageSeconds: 0 });
      await clock.to(47_999);
      const hit = await read(engine);
      await settle();
      expect(hit).toMatchObject({ status: 'ok', cache: 'hit', ageSeconds: 47 });
      expect(tagOf(hit)).toBe('a#1');
      expect(a.calls).toHaveLength(1);
    });

    it('at exactly 80% serves the cached catalog and starts one background refresh; reads during it start no other', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a]);
      await read(engine);
      a.answerWith('manual');
      await clock.to(48_000);
      const due = await read(engine);
      expect(due).toMatchObject({ status: 'ok', cache: 'hit', ageSeconds: 48 });
      expect(tagOf(due)).toBe('a#1');
      await settle();
      expect(a.calls).toHaveLength(2);
      // The refresh has a budget of its own, from when it started.
      expect(a.calls[1].ctx.deadline).toBe(clock.perf0() + 48_000 + 5000);

      await clock.to(48_500);
      const during = await read(engine);
      await settle();
      expect([during.cache, tagOf(during)]).toEqual(['hit', 'a#1']);
      expect(a.calls).toHaveLength(2);

      a.resolve(2);
      await settle();
      await clock.to(49_700);
      const refreshed = await read(engine);
      await settle();
      expect(refreshed).toMatchObject({ cache: 'hit', ageSeconds: 1 });
      expect(tagOf(refreshed)).toBe('a#2');
      expect(a.calls).toHaveLength(2);
    });

    it('starts one refresh for reads due together in one call', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a]);
      await read(engine);
      a.answerWith('manual');
      await clock.to(48_000);
      const slices = await engine.slices(['a', 'a', 'a'], { bypassCache: false });
      await settle();
      expect(slices.map((s) => s.cache)).toEqual(['hit', 'hit', 'hit']);
      expect(a.calls).toHaveLength(2);
    });

    it('a read that misses once the TTL is past, while the refresh is still out, waits for that refresh', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a]);
      await read(engine);
      a.answerWith('manual');
      await clock.to(59_000);
      await read(engine);
      await settle();
      await clock.to(60_000);
      const miss = track(read(engine));
      await settle();
      expect([a.calls.length, miss.settled]).toEqual([2, false]);
      a.resolve(2);
      await settle();
      expect(miss.value).toMatchObject({ cache: 'miss', ageSeconds: 0 });
      expect(tagOf(miss.value!)).toBe('a#2');
    });

    it('keeps serving the cached catalog when the refresh fails, and the next read tries again', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a]);
      await read(engine);
      a.failWith(upstream('UPSTREAM_ERROR'));
      await clock.to(50_000);
      const first = await read(engine);
      await settle();
      expect([first.status, first.cache, tagOf(first), first.error]).toEqual(['ok', 'hit', 'a#1', undefined]);
      expect(a.calls).toHaveLength(2);
      await clock.to(51_000);
      expect(tagOf(await read(engine))).toBe('a#1');
      await settle();
      expect(a.calls).toHaveLength(3);
    });

    it('follows refreshAheadRatio: at 0.5 the refresh starts at 30 s, not a millisecond before', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a], { refreshAheadRatio: 0.5 });
      await read(engine);
      await clock.to(29_999);
      await read(engine);
      await settle();
      expect(a.calls).toHaveLength(1);
      await clock.to(30_000);
      await read(engine);
      await settle();
      expect(a.calls).toHaveLength(2);
    });
  });

  describe('TTL and stale window', () => {
    // refreshAheadRatio 1: no refresh ahead, so only the TTL decides.
    it('is fresh at 59.999 s and fetched again at 60 s', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a], { refreshAheadRatio: 1 });
      await read(engine);
      await clock.to(59_999);
      const last = await read(engine);
      await settle();
      expect(last).toMatchObject({ status: 'ok', cache: 'hit', ageSeconds: 59 });
      expect(a.calls).toHaveLength(1);
      await clock.to(60_000);
      const expired = await read(engine);
      expect(expired).toMatchObject({ status: 'ok', cache: 'miss', ageSeconds: 0 });
      expect([tagOf(expired), a.calls.length]).toEqual(['a#2', 2]);
    });

    it('serves the catalog stale while the provider fails, up to TTL + stale window, then an error slice', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a], { refreshAheadRatio: 1, circuitFailureThreshold: 100 });
      await read(engine);
      a.failWith(upstream('UPSTREAM_ERROR'));
      await clock.to(60_000);
      const stale = await read(engine);
      expect(stale).toMatchObject({ status: 'stale', cache: 'stale', ageSeconds: 60, error: { code: 'UPSTREAM_ERROR' } });
      expect([tagOf(stale), stale.images.length, a.calls.length]).toEqual(['a#1', 2, 2]);
      await clock.to(659_999);
      expect(await read(engine)).toMatchObject({ status: 'stale', cache: 'stale', ageSeconds: 659 });
      await clock.to(660_000);
      const gone = await read(engine);
      expect(gone).toMatchObject({ status: 'error', cache: 'miss', images: [], error: { code: 'UPSTREAM_ERROR' } });
      expect(gone).not.toHaveProperty('ageSeconds');
      expect(a.calls).toHaveLength(4);
    });

    it('asks the store to keep a catalog for TTL + stale window, and refuses it past that even if the store still has it', async () => {
      const a = new FakeProvider('a');
      const store = new KeepingStore();
      const { engine } = buildEngine([a], { circuitFailureThreshold: 100 }, store);
      await read(engine);
      expect(store.retained).toEqual([660_000]);
      a.failWith(upstream('UPSTREAM_TIMEOUT'));
      await clock.to(659_999);
      expect(await read(engine)).toMatchObject({ status: 'stale', ageSeconds: 659 });
      await clock.to(660_000);
      expect(await read(engine)).toMatchObject({ status: 'error', cache: 'miss', images: [], error: { code: 'UPSTREAM_TIMEOUT' } });
    });

    it('scales every window with its option: TTL 10 s and stale 5 s', async () => {
      const a = new FakeProvider('a');
      const store = new KeepingStore();
      const { engine } = buildEngine([a], { cacheTtlSeconds: 10, cacheStaleSeconds: 5, circuitFailureThreshold: 100 }, store);
      await read(engine);
      a.failWith(upstream('UPSTREAM_ERROR'));
      await clock.to(9_999);
      expect((await read(engine)).cache).toBe('hit');
      await clock.to(10_000);
      expect(await read(engine)).toMatchObject({ status: 'stale', ageSeconds: 10 });
      await clock.to(14_999);
      expect((await read(engine)).status).toBe('stale');
      await clock.to(15_000);
      expect((await read(engine)).status).toBe('error');
      expect(store.retained).toEqual([15_000]);
    });
  });

  describe('ageSeconds', () => {
    it('is 0 on a fetch, then whole seconds rounded down on every hit', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a]);
      expect((await read(engine)).ageSeconds).toBe(0);
      const ages: Array<number | undefined> = [];
      for (const ms of [999, 1_000, 12_500, 12_999, 13_000, 47_999]) {
        await clock.to(ms);
        ages.push((await read(engine)).ageSeconds);
      }
      expect(ages).toEqual([0, 1, 12, 12, 13, 47]);
    });

    it('counts from when the provider answered, not when it was asked', async () => {
      const a = new FakeProvider('a').answerWith(after(2_500));
      const { engine } = buildEngine([a]);
      const pending = read(engine);
      await clock.to(2_500);
      expect(await pending).toMatchObject({ cache: 'miss', ageSeconds: 0, latencyMs: 2_500 });
      await clock.to(14_999);
      expect((await read(engine)).ageSeconds).toBe(12);
    });

    it('is floor(elapsed / 1000) on stale slices and absent on error slices', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a], { circuitFailureThreshold: 100 });
      await read(engine);
      a.failWith(upstream('UPSTREAM_ERROR'));
      await clock.to(61_500);
      expect(await read(engine)).toMatchObject({ status: 'stale', ageSeconds: 61 });
      const b = new FakeProvider('b').failWith(upstream('UPSTREAM_ERROR', 'b'));
      const error = await read(buildEngine([b]).engine, 'b');
      expect(error.status).toBe('error');
      expect(error).not.toHaveProperty('ageSeconds');
    });

    it('is never negative when the wall clock steps back', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a]);
      await read(engine);
      jest.setSystemTime(EPOCH - 5_000);
      expect(await read(engine)).toMatchObject({ cache: 'hit', ageSeconds: 0 });
    });
  });

  describe('bypassCache and stale-if-error', () => {
    it('a bypass fetches even while the catalog is fresh, and its answer is what later hits serve', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a]);
      await read(engine);
      await clock.to(1_000);
      const bypass = await read(engine, 'a', true);
      expect(bypass).toMatchObject({ status: 'ok', cache: 'bypass', ageSeconds: 0 });
      expect([tagOf(bypass), a.calls.length]).toEqual(['a#2', 2]);
      await clock.to(3_000);
      expect(await read(engine)).toMatchObject({ cache: 'hit', ageSeconds: 2 });
      expect(a.calls).toHaveLength(2);
    });

    it('a failed bypass serves the cached catalog stale, even while it is fresh', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a]);
      await read(engine);
      a.failWith(upstream('UPSTREAM_UNAVAILABLE'));
      await clock.to(10_500);
      const slice = await read(engine, 'a', true);
      expect(slice).toMatchObject({ status: 'stale', cache: 'stale', ageSeconds: 10, error: { code: 'UPSTREAM_UNAVAILABLE', provider: 'a' } });
      expect([tagOf(slice), a.calls.length]).toEqual(['a#1', 2]);
    });

    it('a failed bypass with nothing cached is an error slice marked bypass', async () => {
      const a = new FakeProvider('a').failWith(upstream('UPSTREAM_ERROR'));
      const { engine } = buildEngine([a], {}, new MemoryCatalogStore());
      const slice = await read(engine, 'a', true);
      expect(slice).toMatchObject({ status: 'error', cache: 'bypass', images: [], error: { code: 'UPSTREAM_ERROR' } });
      expect(slice).not.toHaveProperty('ageSeconds');
    });
  });
});
