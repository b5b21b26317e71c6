import { CatalogEngine, CatalogSlice, ReadFreshness } from './engine';
import { FakeProvider, after, buildEngine, read, settle, tagOf, track, upstream, useFakeClock } from './engine-spec-support';

// The caller's RFC 9111 request directives over the server's freshness: TTL 60 s, stale window 600 s, no refresh
// ahead, budget 5 s, STALE_WAIT_MS 300.
const options = { refreshAheadRatio: 1, staleWaitMs: 300 };

async function readWith(engine: CatalogEngine, directives: Omit<ReadFreshness, 'bypassCache'>): Promise<CatalogSlice> {
  const [slice] = await engine.slices(['a'], { bypassCache: false, ...directives });
  return slice;
}

describe('CatalogEngine with Cache-Control: max-age', () => {
  const clock = useFakeClock();

  it('refreshes a catalog older than max-age but inside the TTL, and waits for it in full like a refresh', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], options);
    await read(engine);
    await clock.to(30_000);
    expect(await readWith(engine, { maxAgeMs: 40_000 })).toMatchObject({ status: 'ok', cache: 'hit', ageSeconds: 30 });
    expect(a.calls).toHaveLength(1);

    a.answerWith(after(2000));
    const pending = track(readWith(engine, { maxAgeMs: 10_000 }));
    await clock.to(31_999);
    expect(pending.settled).toBe(false);
    await clock.to(32_000);
    expect(pending.value).toMatchObject({ status: 'ok', cache: 'bypass', ageSeconds: 0 });
    expect(tagOf(pending.value!)).toBe('a#2');
  });

  it('never stretches the TTL: a max-age longer than it changes nothing', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], options);
    await read(engine);
    await clock.to(59_999);
    expect(await readWith(engine, { maxAgeMs: 3_600_000 })).toMatchObject({ cache: 'hit' });
    await clock.to(60_000);
    expect(await readWith(engine, { maxAgeMs: 3_600_000 })).toMatchObject({ status: 'ok', cache: 'miss', ageSeconds: 0 });
    expect(a.calls).toHaveLength(2);
  });

  it('falls back to the catalog in hand, marked stale with why, when that refresh fails', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], options);
    await read(engine);
    await clock.to(20_000);
    a.failWith(upstream('UPSTREAM_ERROR'));
    const slice = await readWith(engine, { maxAgeMs: 5_000 });
    expect(slice).toMatchObject({ status: 'stale', cache: 'stale', ageSeconds: 20, error: { code: 'UPSTREAM_ERROR' } });
    expect(tagOf(slice)).toBe('a#1');
  });
});

describe('CatalogEngine with Cache-Control: max-stale', () => {
  const clock = useFakeClock();

  it('serves a catalog inside max-stale at once, with no error, and refreshes it in the background', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], options);
    await read(engine);
    a.answerWith('manual');
    await clock.to(100_000);
    const slice = await readWith(engine, { maxStaleMs: 60_000 });
    expect(slice).toMatchObject({ status: 'stale', cache: 'stale', ageSeconds: 100 });
    expect(slice.error).toBeUndefined();
    expect(a.calls).toHaveLength(2);

    a.resolve(2);
    await settle();
    const landed = await read(engine);
    expect([landed.cache, tagOf(landed)]).toEqual(['hit', 'a#2']);
  });

  it('does not serve a catalog past max-stale, even when the vendor fails (the server default would have)', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], options);
    await read(engine);
    a.failWith(upstream('UPSTREAM_UNAVAILABLE'));
    await clock.to(70_000);
    expect(await readWith(engine, { maxStaleMs: 5_000 })).toMatchObject({ status: 'error', cache: 'miss', images: [], error: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(await read(engine)).toMatchObject({ status: 'stale', ageSeconds: 70 });
  });

  it('max-stale=0: no stale catalog at all, so a hung vendor is waited for the whole budget, not STALE_WAIT_MS', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], options);
    await read(engine);
    a.answerWith('hang');
    await clock.to(60_000);
    const pending = track(readWith(engine, { maxStaleMs: 0 }));
    await clock.to(60_300);
    expect(pending.settled).toBe(false);
    await clock.to(65_000);
    expect(pending.value).toMatchObject({ status: 'error', error: { code: 'UPSTREAM_TIMEOUT' } });
  });
});

describe('CatalogEngine with Cache-Control: only-if-cached', () => {
  const clock = useFakeClock();

  it('answers from the cache, fresh or stale, and never calls the vendor', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], options);
    await read(engine);
    await clock.to(59_000);
    expect(await readWith(engine, { onlyIfCached: true })).toMatchObject({ status: 'ok', cache: 'hit', ageSeconds: 59 });
    await clock.to(500_000);
    expect(await readWith(engine, { onlyIfCached: true })).toMatchObject({ status: 'stale', cache: 'stale', ageSeconds: 500 });
    await settle();
    expect(a.calls).toHaveLength(1);
  });

  it('makes a provider with nothing servable cached an error slice (504), without a vendor call', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], options);
    const empty = await readWith(engine, { onlyIfCached: true });
    expect(empty).toMatchObject({ status: 'error', cache: 'miss', images: [], error: { code: 'UPSTREAM_TIMEOUT', status: 504, retryable: false } });
    expect(empty.error!.detail).toContain('only-if-cached');
    expect(a.calls).toHaveLength(0);

    await read(engine);
    await clock.to(100_000);
    expect(await readWith(engine, { onlyIfCached: true, maxStaleMs: 10_000 })).toMatchObject({ status: 'error' });
    expect(a.calls).toHaveLength(1);
  });
});
