import { MemoryCatalogStore } from './catalog-store';
import { FakeProvider, LeaseHub, ReplicaStore, buildEngine, read, settle, tagOf, track, upstream, useFakeClock } from './engine-spec-support';

describe('CatalogEngine invalidation on a fake clock', () => {
  const clock = useFakeClock();

  it('drops the cached catalog: the next read fetches, and the one after hits the new catalog', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a]);
    await read(engine);
    await clock.to(5_000);
    expect((await read(engine)).cache).toBe('hit');
    await engine.invalidate('a');
    const after = await read(engine);
    expect([after.cache, tagOf(after), a.calls.length]).toEqual(['miss', 'a#2', 2]);
    await clock.to(6_000);
    expect(await read(engine)).toMatchObject({ cache: 'hit', ageSeconds: 1 });
    expect(a.calls).toHaveLength(2);
  });

  it('leaves nothing to serve stale: a failing provider right after it is an error slice', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a]);
    await read(engine);
    await engine.invalidate('a');
    a.failWith(upstream('UPSTREAM_ERROR'));
    expect(await read(engine)).toMatchObject({ status: 'error', cache: 'miss', images: [] });
  });

  it('drops the shared copy too, not only this replica\'s memory', async () => {
    const a = new FakeProvider('a');
    const store = new ReplicaStore(new MemoryCatalogStore());
    const { engine } = buildEngine([a], {}, store);
    await read(engine);
    await engine.invalidate('a');
    const key = engine.cacheKey(a);
    expect([store.local.peek(key), store.shared.peek(key)]).toEqual([null, null]);
  });

  it('a fetch in flight when it is called answers its caller but is not stored', async () => {
    const a = new FakeProvider('a').answerWith('manual');
    const { engine } = buildEngine([a]);
    const before = track(read(engine));
    await settle();
    await engine.invalidate('a');
    a.resolve(1);
    await settle();
    expect(before.value).toMatchObject({ status: 'ok', cache: 'miss' });
    expect(tagOf(before.value!)).toBe('a#1');
    a.answerWith('ok');
    const next = await read(engine);
    expect([next.cache, tagOf(next), a.calls.length]).toEqual(['miss', 'a#2', 2]);
    // The fetch that started after the invalidation was stored.
    expect(await read(engine)).toMatchObject({ cache: 'hit' });
    expect(a.calls).toHaveLength(2);
  });

  it('a read after it never joins the older fetch, and that fetch finishing last does not overwrite the newer catalog', async () => {
    const a = new FakeProvider('a').answerWith('manual');
    const { engine } = buildEngine([a]);
    const older = track(read(engine));
    await settle();
    await engine.invalidate('a');
    const newer = track(read(engine));
    await settle();
    expect(a.calls).toHaveLength(2);
    await clock.to(100);
    a.resolve(2);
    await settle();
    await clock.to(200);
    a.resolve(1);
    await settle();
    expect([tagOf(older.value!), tagOf(newer.value!)]).toEqual(['a#1', 'a#2']);
    await clock.to(1_300);
    const hit = await read(engine);
    expect([hit.cache, tagOf(hit), hit.ageSeconds]).toEqual(['hit', 'a#2', 1]);
  });

  it('a background refresh in flight when it is called is not stored', async () => {
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a]);
    await read(engine);
    a.answerWith('manual');
    await clock.to(50_000);
    await read(engine);
    await settle();
    expect(a.calls).toHaveLength(2);
    await engine.invalidate('a');
    a.resolve(2);
    await settle();
    a.answerWith('ok');
    const next = await read(engine);
    expect([next.cache, tagOf(next)]).toEqual(['miss', 'a#3']);
  });

  it('an invalidation from another replica drops this one\'s copy and its fetch in flight', async () => {
    const hub = new LeaseHub();
    const shared = new MemoryCatalogStore();
    const a1 = new FakeProvider('a', 'one');
    const a2 = new FakeProvider('a', 'two').answerWith('manual');
    const one = buildEngine([a1], {}, new ReplicaStore(shared), hub.replica('one'));
    const twoStore = new ReplicaStore(shared);
    const two = buildEngine([a2], {}, twoStore, hub.replica('two'));
    // Replica two holds a copy in its memory, then starts a bypass fetch.
    a2.answerWith('ok');
    await read(two.engine);
    await clock.to(1_000);
    a2.answerWith('manual');
    const inFlight = track(read(two.engine, 'a', true));
    await settle();
    await one.engine.invalidate('a');
    expect(twoStore.local.peek(two.engine.cacheKey(a2))).toBeNull();
    a2.resolve(2);
    await settle();
    expect(tagOf(inFlight.value!)).toBe('two#2');
    expect(shared.peek(one.engine.cacheKey(a1))).toBeNull();
    a2.answerWith('ok');
    expect(tagOf(await read(two.engine))).toBe('two#3');
  });

  it('keys a catalog by prefix, provider and account: another account or namespace never gets it', async () => {
    const store = new MemoryCatalogStore();
    const first = buildEngine([new FakeProvider('a', 'one', 'acct-1')], { keyPrefix: 'p1:' }, store);
    await read(first.engine);
    const sameKey = new FakeProvider('a', 'same', 'acct-1');
    const otherAccount = new FakeProvider('a', 'other', 'acct-2');
    const otherPrefix = new FakeProvider('a', 'prefix', 'acct-1');
    expect(first.engine.cacheKey(sameKey)).toBe('p1:catalog:v1:{a:acct-1}');
    expect(tagOf(await read(buildEngine([sameKey], { keyPrefix: 'p1:' }, store).engine))).toBe('one#1');
    expect(tagOf(await read(buildEngine([otherAccount], { keyPrefix: 'p1:' }, store).engine))).toBe('other#1');
    expect(tagOf(await read(buildEngine([otherPrefix], { keyPrefix: 'p2:' }, store).engine))).toBe('prefix#1');
  });

  it('ignores a provider it does not know, and touches no other catalog', async () => {
    const a = new FakeProvider('a');
    const b = new FakeProvider('b');
    const { engine } = buildEngine([a, b]);
    await engine.slices(['a', 'b'], { bypassCache: false });
    await expect(engine.invalidate('nope')).resolves.toBeUndefined();
    await engine.invalidate('b');
    const [sa, sb] = await engine.slices(['a', 'b'], { bypassCache: false });
    expect([sa.cache, sb.cache]).toEqual(['hit', 'miss']);
  });
});
