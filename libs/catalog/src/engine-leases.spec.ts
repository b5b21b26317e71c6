import { CachedCatalog, MemoryCatalogStore } from './catalog-store';
import { EPOCH, FakeProvider, LeaseHub, ReplicaStore, buildEngine, read, settle, tagOf, track, useFakeClock } from './engine-spec-support';

/** A replica's store whose shared write takes `writeMs`, like a slow Redis SET. */
class SlowWriteStore extends ReplicaStore {
  constructor(shared: MemoryCatalogStore, private readonly writeMs: number) {
    super(shared);
  }
  override async set(key: string, entry: CachedCatalog, retainMs: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.writeMs));
    await super.set(key, entry, retainMs);
  }
}

describe('CatalogEngine fetch leases on a fake clock', () => {
  const clock = useFakeClock();

  it('renews the lease every leaseMs / 3 while the vendor is out, for leaseMs each time, and stops once it is released', async () => {
    const hub = new LeaseHub();
    const a = new FakeProvider('a').answerWith('manual');
    const { engine } = buildEngine([a], { leaseMs: 900, providerTimeoutMs: 10_000 }, new ReplicaStore(new MemoryCatalogStore()), hub.replica('A'));
    const key = engine.cacheKey(a);
    const slice = track(read(engine));
    await clock.to(1_000);
    expect(hub.renewed).toEqual([300, 600, 900].map((ms) => ({ replica: 'A', at: EPOCH + ms, leaseMs: 900 })));
    a.resolve(1);
    await settle();
    expect(slice.value).toMatchObject({ status: 'ok', cache: 'miss' });
    expect(hub.held(key)).toBe(false);
    const renewals = hub.renewed.length;
    await clock.to(5_000);
    expect(hub.renewed).toHaveLength(renewals);
  });

  it('renews at least every 10 ms however short the lease', async () => {
    const hub = new LeaseHub();
    const a = new FakeProvider('a').answerWith('manual');
    const { engine } = buildEngine([a], { leaseMs: 15 }, new ReplicaStore(new MemoryCatalogStore()), hub.replica('A'));
    track(read(engine));
    await clock.to(100);
    expect(hub.renewed.length).toBeGreaterThanOrEqual(9);
    expect(hub.renewed.length).toBeLessThanOrEqual(10);
    expect(hub.held(engine.cacheKey(a))).toBe(true);
  });

  it('holds the lease until the shared store has the catalog, then releases it', async () => {
    const hub = new LeaseHub();
    const a = new FakeProvider('a');
    const { engine } = buildEngine([a], { leaseMs: 2_000 }, new SlowWriteStore(new MemoryCatalogStore(), 500), hub.replica('A'));
    const key = engine.cacheKey(a);
    const slice = await read(engine);
    // The caller has its answer at once; the lease outlives it until the write lands.
    expect(slice).toMatchObject({ status: 'ok', cache: 'miss' });
    await clock.to(499);
    expect(hub.held(key)).toBe(true);
    await clock.to(500);
    expect(hub.held(key)).toBe(false);
  });

  it('a bypass waiter takes a catalog answered in the very millisecond it asked', async () => {
    const hub = new LeaseHub();
    const shared = new MemoryCatalogStore();
    const [pa, pb] = [new FakeProvider('a', 'A').answerWith('manual'), new FakeProvider('a', 'B')];
    const A = buildEngine([pa], {}, shared, hub.replica('A'));
    const B = buildEngine([pb], {}, shared, hub.replica('B'));
    track(read(A.engine));
    await clock.to(1_000);
    const b = track(read(B.engine, 'a', true));
    pa.resolve(1);
    await settle();
    await clock.to(1_100);
    expect(b.value).toMatchObject({ status: 'ok', cache: 'bypass' });
    expect([tagOf(b.value!), pb.calls.length]).toEqual(['A#1', 0]);
    // It took that catalog while waiting, without a lease of its own.
    expect(hub.acquired.map((lease) => lease.replica)).toEqual(['A']);
  });

  it('a bypass that takes the lease just after another replica stored a catalog that same millisecond adopts it', async () => {
    const hub = new LeaseHub();
    const shared = new MemoryCatalogStore();
    const [pa, pb] = [new FakeProvider('a', 'A').answerWith('manual'), new FakeProvider('a', 'B')];
    const A = buildEngine([pa], {}, shared, hub.replica('A'));
    const B = buildEngine([pb], {}, shared, hub.replica('B'));
    track(read(A.engine));
    await clock.to(1_000);
    pa.resolve(1);
    await settle();
    const b = await read(B.engine, 'a', true);
    expect([b.cache, tagOf(b), pb.calls.length]).toEqual(['bypass', 'A#1', 0]);
    expect(hub.held(A.engine.cacheKey(pa))).toBe(false);
  });

  it('a read at exactly the TTL does not adopt the shared catalog it found expired: it asks its provider', async () => {
    const hub = new LeaseHub();
    const shared = new MemoryCatalogStore();
    const [pa, pb] = [new FakeProvider('a', 'A'), new FakeProvider('a', 'B')];
    const A = buildEngine([pa], { refreshAheadRatio: 1 }, shared, hub.replica('A'));
    const B = buildEngine([pb], { refreshAheadRatio: 1 }, shared, hub.replica('B'));
    await read(A.engine);
    await clock.to(60_000);
    const b = await read(B.engine);
    expect([b.cache, b.ageSeconds, tagOf(b), pb.calls.length]).toEqual(['miss', 0, 'B#1', 1]);
  });

  it('a refresh ahead whose shared copy is the very one it holds asks its provider', async () => {
    const hub = new LeaseHub();
    const b = new FakeProvider('a', 'B');
    const { engine } = buildEngine([b], {}, new ReplicaStore(new MemoryCatalogStore()), hub.replica('B'));
    await read(engine);
    await clock.to(48_000);
    await read(engine);
    await settle();
    expect(b.calls).toHaveLength(2);
    await clock.to(49_000);
    expect(tagOf(await read(engine))).toBe('B#2');
  });

  it('a refresh ahead that finds a fetch begun while it took the lease leaves it to that fetch and releases the lease', async () => {
    const hub = new LeaseHub();
    const a = new FakeProvider('a');
    const coordination = hub.replica('A');
    const { engine } = buildEngine([a], {}, new ReplicaStore(new MemoryCatalogStore()), coordination);
    const key = engine.cacheKey(a);
    await read(engine);
    await clock.to(48_000);
    a.answerWith('manual');
    // The lease answers only after a bypass read has started its own fetch.
    const acquire = coordination.acquire.bind(coordination);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    coordination.acquire = async (k, ms) => { await gate; return acquire(k, ms); };
    await read(engine);
    const bypass = track(read(engine, 'a', true));
    await settle();
    release();
    await settle();
    // The refresh stood back; the bypass finds the lease free at its next poll and fetches.
    expect(a.calls).toHaveLength(1);
    expect(hub.held(key)).toBe(false);
    await clock.to(48_040);
    expect(a.calls).toHaveLength(2);
    a.resolve(2);
    await settle();
    expect(tagOf(bypass.value!)).toBe('a#2');
    expect(hub.held(key)).toBe(false);
  });
});
