import { FakeProvider, LookupProvider, SlowReadStore, buildEngine, catalogOf, read, settle, track, upstream, useFakeClock } from './engine-spec-support';

// What a metric, a log line or a lookup relies on: durations that are durations, one warning per degraded slice and
// none for a healthy one, a lookup that waits for a slow cache read rather than asking the vendor, and a lookup miss
// that does not refetch the catalog.

const degradedWarnings = (logLines: string[]) => logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'provider slice degraded');

describe('CatalogEngine details', () => {
  const clock = useFakeClock();

  it('reports each fetch\'s duration, failed ones too, as the time it took', async () => {
    const a = new FakeProvider('a');
    const { engine, fetches } = buildEngine([a], { refreshAheadRatio: 1 });
    await clock.to(60_000);
    a.answerWith((_ctx, call) => new Promise((resolve) => setTimeout(() => resolve(catalogOf('a', call.tag)), 250)));
    const first = track(read(engine));
    await clock.to(60_250);
    expect(first.value?.status).toBe('ok');
    a.failWith(upstream('UPSTREAM_UNAVAILABLE'));
    await read(engine, 'a', true);
    expect(fetches.map(({ durationMs, code }) => ({ durationMs: Math.round(durationMs), code }))).toEqual([{ durationMs: 250, code: undefined }, { durationMs: 0, code: 'UPSTREAM_UNAVAILABLE' }]);
  });

  it('warns once per degraded slice, naming it, and never for a healthy one', async () => {
    const a = new FakeProvider('a');
    const { engine, logLines } = buildEngine([a], { refreshAheadRatio: 1 });
    await read(engine);
    await read(engine);
    expect(degradedWarnings(logLines)).toEqual([]);
    a.failWith(upstream('UPSTREAM_UNAVAILABLE'));
    await clock.to(61_000);
    expect((await read(engine)).status).toBe('stale');
    expect(degradedWarnings(logLines)).toEqual([{ level: 'warn', msg: 'provider slice degraded', provider: 'a', status: 'stale', code: 'UPSTREAM_UNAVAILABLE' }]);
  });

  it('answers a lookup from the fresh catalog after a slow cache read, within the budget, without the vendor', async () => {
    const a = new LookupProvider('a');
    const { engine } = buildEngine([a], { refreshAheadRatio: 1 }, new SlowReadStore(20));
    const warm = track(read(engine));
    await clock.to(40);
    expect(warm.value?.status).toBe('ok');
    await clock.to(1_000);
    const found = track(engine.lookup('a', '1'));
    await clock.to(1_020);
    expect(found.value?.image).toMatchObject({ id: 'a:1', extra: { tag: 'a#1' } });
    expect(found.value?.from).toMatchObject({ cache: 'hit', latencyMs: 20 });
    expect(a.lookups).toEqual([]);
  });

  it('answers a lookup the fresh catalog lacks from that catalog, without fetching it again', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], { refreshAheadRatio: 1 });
    await read(engine);
    await clock.to(1_000);
    const missing = await engine.lookup('a', '9');
    expect(missing.image).toBeNull();
    expect(missing.from).toMatchObject({ cache: 'hit' });
    expect(a.calls).toHaveLength(1);
  });

  it('a fetch dropped by an invalidation, finishing later, leaves the fetch begun after it in flight for others to join', async () => {
    const a = new FakeProvider('a').answerWith('manual');
    const { engine } = buildEngine([a], { refreshAheadRatio: 1 });
    const first = track(read(engine));
    await settle();
    await engine.invalidate('a');
    const second = track(read(engine));
    await settle();
    expect(a.calls).toHaveLength(2);
    a.resolve(1);
    await settle();
    expect(first.value?.status).toBe('ok');
    const third = track(read(engine));
    await settle();
    expect(a.calls).toHaveLength(2);
    a.resolve(2);
    await settle();
    expect([second.value?.status, third.value?.status]).toEqual(['ok', 'ok']);
  });
});

