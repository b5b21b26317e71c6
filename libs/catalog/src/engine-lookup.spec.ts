import { GatewayError } from '@images/core';
import { FakeProvider, LookupProvider, buildEngine, read, useFakeClock } from './engine-spec-support';

// TTL 60 s, no refresh ahead.
describe('CatalogEngine lookups of one image', () => {
  const clock = useFakeClock();

  it('answers from a fresh catalog by id without asking the vendor, and says it was a cache hit', async () => {
    const a = new LookupProvider('a');
    const { engine } = buildEngine([a], { refreshAheadRatio: 1 });
    await read(engine);
    await clock.to(30_000);
    const found = await engine.lookup('a', '1');
    expect(found.image).toMatchObject({ id: 'a:1', extra: { tag: 'a#1' } });
    expect(found.from).toMatchObject({ provider: 'a', status: 'ok', cache: 'hit', ageSeconds: 30, version: expect.any(String) });
    expect(a.lookups).toEqual([]);
  });

  it('asks the vendor for an id the catalog lacks, a pending image, or once the catalog is past its TTL', async () => {
    const a = new LookupProvider('a');
    a.pending.add('0');
    const { engine } = buildEngine([a], { refreshAheadRatio: 1 });
    await read(engine);
    expect(await engine.lookup('a', '9')).toEqual({ image: null, from: 'vendor' });
    expect(await engine.lookup('a', '0')).toMatchObject({ image: { id: 'a:0', extra: { tag: 'lookup' } }, from: 'vendor' });
    await clock.to(60_000);
    expect(await engine.lookup('a', '1')).toMatchObject({ image: { extra: { tag: 'lookup' } }, from: 'vendor' });
    expect(a.lookups).toEqual(['9', '0', '1']);
  });

  it('asks the vendor again after an invalidation (a write), and a provider without a lookup reads its catalog', async () => {
    const a = new LookupProvider('a');
    const listOnly = new FakeProvider('b');
    const { engine } = buildEngine([a, listOnly], { refreshAheadRatio: 1 });
    await engine.slices(['a', 'b'], { bypassCache: false });
    await engine.invalidate('a');
    expect((await engine.lookup('a', '1')).from).toBe('vendor');
    const fromCatalog = await engine.lookup('b', '1');
    expect(fromCatalog).toMatchObject({ image: { id: 'b:1', extra: { tag: 'b#1' } }, from: { cache: 'hit' } });
    expect(listOnly.calls).toHaveLength(1);
  });

  it('falls back to the stale catalog when the exact lookup fails retryably', async () => {
    const a = new LookupProvider('a');
    const { engine } = buildEngine([a], { refreshAheadRatio: 1, circuitFailureThreshold: 100 });
    await read(engine);
    await clock.to(61_000);
    a.lookupFailure = new GatewayError('UPSTREAM_UNAVAILABLE', { provider: 'a' });
    a.failWith(new GatewayError('UPSTREAM_UNAVAILABLE', { provider: 'a' }));
    const fallback = await engine.lookup('a', '1');
    expect(fallback).toMatchObject({ image: { extra: { tag: 'a#1' } }, from: { status: 'stale', cache: 'stale', ageSeconds: 61 } });
    await expect(engine.lookup('a', '9')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });
});
