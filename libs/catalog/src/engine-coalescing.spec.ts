import { MemoryCatalogStore } from './catalog-store';
import { EngineOptions } from './engine';
import { FakeProvider, LeaseHub, ReplicaStore, after, buildEngine, read, settle, tagOf, track, useFakeClock } from './engine-spec-support';

/** Two replicas of one gateway: one provider id and account (so one cache key), their own vendor clients, shared leases. */
function twoReplicas(options: Partial<EngineOptions> = {}, sharedStore = true) {
  const hub = new LeaseHub();
  const shared = new MemoryCatalogStore();
  const pa = new FakeProvider('a', 'A');
  const pb = new FakeProvider('a', 'B');
  const A = buildEngine([pa], options, sharedStore ? shared : new ReplicaStore(shared), hub.replica('A'));
  const B = buildEngine([pb], options, sharedStore ? shared : new ReplicaStore(shared), hub.replica('B'));
  return { hub, shared, pa, pb, A, B, key: A.engine.cacheKey(pa) };
}

describe('CatalogEngine coalescing on a fake clock', () => {
  const clock = useFakeClock();

  describe('in one process', () => {
    it('N concurrent reads of one catalog make one provider call, and all get its answer', async () => {
      const a = new FakeProvider('a').answerWith('manual');
      const { engine } = buildEngine([a]);
      const reads = Array.from({ length: 10 }, () => track(read(engine)));
      const twice = track(engine.slices(['a', 'a'], { bypassCache: false }));
      await clock.to(300);
      expect(a.calls).toHaveLength(1);
      expect(reads.some((r) => r.settled)).toBe(false);
      a.resolve(1);
      await settle();
      expect(reads.map((r) => [r.value?.cache, tagOf(r.value!)])).toEqual(Array(10).fill(['miss', 'a#1']));
      expect(twice.value?.map(tagOf)).toEqual(['a#1', 'a#1']);
      expect(await read(engine)).toMatchObject({ cache: 'hit' });
      expect(a.calls).toHaveLength(1);
    });

    it('a read after the shared fetch has ended starts a fetch of its own', async () => {
      const a = new FakeProvider('a').answerWith(after(100));
      const { engine } = buildEngine([a]);
      const first = read(engine, 'a', true);
      await clock.to(100);
      await first;
      const second = read(engine, 'a', true);
      await clock.to(200);
      expect(tagOf(await second)).toBe('a#2');
    });
  });

  describe('across replicas sharing a cache', () => {
    it('a replica waiting on another\'s lease gets its catalog without calling its own provider', async () => {
      const { hub, pa, pb, A, B, key } = twoReplicas();
      pa.answerWith('manual');
      const a = track(read(A.engine));
      await settle();
      const b = track(read(B.engine));
      await clock.to(300);
      expect([pa.calls.length, pb.calls.length, b.settled]).toEqual([1, 0, false]);
      expect(hub.acquired).toEqual([{ replica: 'A', key, leaseMs: 2000 }]);
      pa.resolve(1);
      await settle();
      expect(hub.held(key)).toBe(false);
      await clock.to(400);
      expect(b.value).toMatchObject({ status: 'ok', cache: 'miss', ageSeconds: 0 });
      expect([tagOf(a.value!), tagOf(b.value!), pb.calls.length]).toEqual(['A#1', 'A#1', 0]);
      // The waiter read the catalog the holder left, without taking a lease of its own.
      expect(hub.acquired.map((lease) => lease.replica)).toEqual(['A']);
    });

    it('the holder renews its lease while its vendor is slow, so the others keep waiting past leaseMs', async () => {
      const { pa, pb, A, B } = twoReplicas({ providerTimeoutMs: 10_000, leaseMs: 1_000 });
      pa.answerWith('manual');
      track(read(A.engine));
      await settle();
      const b = track(read(B.engine));
      await clock.to(4_999);
      expect([pb.calls.length, b.settled]).toEqual([0, false]);
      pa.resolve(1);
      await settle();
      await clock.to(5_100);
      expect([tagOf(b.value!), pb.calls.length]).toEqual(['A#1', 0]);
    });

    it('a lease holder that dies (its lease lapses without a catalog) lets the waiter take over and fetch', async () => {
      const { hub, pb, B, key } = twoReplicas();
      hub.takeAndDie(key, 2_000);
      const b = track(read(B.engine));
      await clock.to(1_999);
      expect([pb.calls.length, b.settled]).toEqual([0, false]);
      await clock.to(2_100);
      expect(pb.calls).toHaveLength(1);
      expect(b.value).toMatchObject({ status: 'ok', cache: 'miss' });
      expect(tagOf(b.value!)).toBe('B#1');
    });

    it('a holder that fails lets the waiter fetch for itself at once', async () => {
      const { pa, pb, A, B } = twoReplicas();
      pa.answerWith('manual');
      const a = track(read(A.engine));
      await settle();
      const b = track(read(B.engine));
      await clock.to(500);
      pa.reject(1, new Error('connection reset'));
      await settle();
      expect(a.value?.status).toBe('error');
      await clock.to(600);
      expect([pb.calls.length, tagOf(b.value!)]).toEqual([1, 'B#1']);
    });

    it('a waiter gives up at its own budget, with UPSTREAM_TIMEOUT, without calling its provider', async () => {
      const { hub, pb, B, key } = twoReplicas({ providerTimeoutMs: 1_000 });
      hub.takeAndDie(key, 60_000);
      const b = track(read(B.engine));
      await clock.to(999);
      expect(b.settled).toBe(false);
      await clock.to(1_000);
      expect(b.value).toMatchObject({ status: 'error', error: { code: 'UPSTREAM_TIMEOUT', provider: 'a' } });
      expect(pb.calls).toHaveLength(0);
    });

    it('a bypass waiter refuses a catalog older than its request and fetches its own', async () => {
      const { hub, pa, pb, A, B, key } = twoReplicas();
      await read(A.engine);
      await clock.to(1_000);
      hub.takeAndDie(key, 2_000);
      const b = track(read(B.engine, 'a', true));
      await clock.to(3_100);
      expect([pa.calls.length, pb.calls.length]).toEqual([1, 1]);
      expect(b.value).toMatchObject({ status: 'ok', cache: 'bypass', ageSeconds: 0 });
      expect(tagOf(b.value!)).toBe('B#1');
    });

    it('a lease service that never answers does not stretch the budget', async () => {
      const hub = new LeaseHub();
      const stalled = Object.assign(hub.replica('A'), { acquire: () => new Promise<string | null>(() => undefined) });
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a], { providerTimeoutMs: 1_000 }, new MemoryCatalogStore(), stalled);
      const slice = track(read(engine));
      await clock.to(999);
      expect(slice.settled).toBe(false);
      await clock.to(1_000);
      expect(slice.value).toMatchObject({ status: 'error', error: { code: 'UPSTREAM_TIMEOUT' } });
      expect(a.calls).toHaveLength(0);
    });

    it('takes leases of leaseMs when set', async () => {
      const { hub, B, key } = twoReplicas({ leaseMs: 750 });
      await read(B.engine);
      expect(hub.acquired).toEqual([{ replica: 'B', key, leaseMs: 750 }]);
    });
  });

  describe('another replica\'s newer catalog', () => {
    it('a miss that finds a catalog another replica stored since this one\'s read adopts it', async () => {
      const { pa, pb, A, B } = twoReplicas({}, false);
      await read(B.engine);
      await clock.to(65_000);
      await read(A.engine, 'a', true);
      await clock.to(70_000);
      // B's own copy is 70 s old; the shared one, A's, 5 s.
      const b = await read(B.engine);
      expect(b).toMatchObject({ status: 'ok', cache: 'miss', ageSeconds: 5 });
      expect([tagOf(b), pa.calls.length, pb.calls.length]).toEqual(['A#1', 1, 1]);
    });

    it('a bypass does not adopt it: it asks its own provider', async () => {
      const { pb, A, B } = twoReplicas({}, false);
      await read(B.engine);
      await clock.to(65_000);
      await read(A.engine, 'a', true);
      await clock.to(70_000);
      const b = await read(B.engine, 'a', true);
      expect([b.cache, tagOf(b), pb.calls.length]).toEqual(['bypass', 'B#2', 2]);
    });

    it('a refresh ahead adopts a catalog another replica refreshed since, without calling its provider', async () => {
      const { hub, pb, A, B, key } = twoReplicas({}, false);
      await read(B.engine);
      await clock.to(10_000);
      await read(A.engine, 'a', true);
      await clock.to(48_000);
      const due = await read(B.engine);
      await settle();
      expect([due.cache, tagOf(due)]).toEqual(['hit', 'B#1']);
      expect(pb.calls).toHaveLength(1);
      expect(hub.held(key)).toBe(false);
      expect(hub.acquired.map((l) => l.replica)).toEqual(['B', 'A', 'B']);
    });

    it('no refresh ahead while another replica holds the lease; the next read after it lapses refreshes', async () => {
      const { hub, pb, B, key } = twoReplicas();
      await read(B.engine);
      await clock.to(48_000);
      hub.takeAndDie(key, 2_000);
      await read(B.engine);
      await settle();
      expect(pb.calls).toHaveLength(1);
      await clock.to(50_000);
      const hit = await read(B.engine);
      await settle();
      expect([hit.cache, tagOf(hit), pb.calls.length]).toEqual(['hit', 'B#1', 2]);
    });
  });
});
