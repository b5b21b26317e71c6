import { CallContext, GatewayError, Image } from '@images/core';
import { Behaviour, FakeProvider, SlowReadStore, after, buildEngine, catalogOf, read, settle, tagOf, track, upstream, useFakeClock } from './engine-spec-support';

/** A catalog of three pages fetched at once on the call's signal; each page records whether its socket was cut. */
function paged(pages: Array<{ ms: number; fail?: boolean }>, cut: number[]): Behaviour {
  return (ctx: CallContext) => Promise.all(pages.map(({ ms, fail }) => new Promise<Image[]>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      cut.push(ms);
      reject(ctx.signal.reason);
    };
    const timer = setTimeout(() => {
      ctx.signal.removeEventListener('abort', onAbort);
      if (fail) reject(upstream('UPSTREAM_ERROR'));
      else resolve(catalogOf('a', `page-${ms}`));
    }, ms);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  }))).then((parts) => parts.flat());
}

describe('CatalogEngine deadlines on a fake clock (providerTimeoutMs 1000)', () => {
  const clock = useFakeClock();
  const options = { providerTimeoutMs: 1000 };

  describe('the slice budget', () => {
    it('hands the provider a deadline of performance.now() at the start + providerTimeoutMs', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a], options);
      await clock.to(250);
      await read(engine);
      expect(a.calls[0].ctx.deadline).toBe(clock.perf0() + 250 + 1000);
      expect(a.calls[0].ctx.signal.aborted).toBe(false);
    });

    it('answers UPSTREAM_TIMEOUT after exactly providerTimeoutMs when the provider never answers, and aborts its signal', async () => {
      const a = new FakeProvider('a').answerWith('hang');
      const { engine, fetches } = buildEngine([a], options);
      const slice = track(read(engine));
      await clock.to(999);
      expect(slice.settled).toBe(false);
      expect(a.calls[0].ctx.signal.aborted).toBe(false);
      await clock.to(1000);
      expect(slice.settled).toBe(true);
      expect(slice.value).toMatchObject({ status: 'error', cache: 'miss', images: [], latencyMs: 1000, error: { code: 'UPSTREAM_TIMEOUT', provider: 'a' } });
      expect(slice.value?.error?.detail).toContain('1000 ms');
      const { signal } = a.calls[0].ctx;
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBeInstanceOf(GatewayError);
      expect(signal.reason).toMatchObject({ code: 'UPSTREAM_TIMEOUT', provider: 'a' });
      expect(fetches).toEqual([{ provider: 'a', durationMs: 1000, code: 'UPSTREAM_TIMEOUT' }]);
      expect(engine.states()[0].lastError?.code).toBe('UPSTREAM_TIMEOUT');
    });

    it('a timeout counts against the circuit', async () => {
      const a = new FakeProvider('a').answerWith('hang');
      const { engine } = buildEngine([a], options);
      for (let i = 1; i <= 3; i++) {
        const slice = read(engine, 'a', true);
        await clock.to(i * 1000);
        expect((await slice).error?.code).toBe('UPSTREAM_TIMEOUT');
      }
      expect(engine.circuitOpen('a')).toBe(true);
    });

    it('counts a slow cache read against the same budget', async () => {
      const a = new FakeProvider('a').answerWith('hang');
      const { engine } = buildEngine([a], options, new SlowReadStore(300));
      const slice = track(read(engine));
      await clock.to(300);
      expect(a.calls).toHaveLength(1);
      expect(a.calls[0].ctx.deadline).toBe(clock.perf0() + 1000);
      await clock.to(999);
      expect(slice.settled).toBe(false);
      await clock.to(1000);
      expect(slice.value?.error?.code).toBe('UPSTREAM_TIMEOUT');
    });

    it('a timed-out refresh of an expired catalog serves it stale at the deadline', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a], options);
      await read(engine);
      a.answerWith('hang');
      await clock.to(70_000);
      const slice = track(read(engine));
      await clock.to(70_999);
      expect(slice.settled).toBe(false);
      await clock.to(71_000);
      expect(slice.value).toMatchObject({ status: 'stale', cache: 'stale', ageSeconds: 71, latencyMs: 1000, error: { code: 'UPSTREAM_TIMEOUT' } });
      expect(tagOf(slice.value!)).toBe('a#1');
    });

    it('a read joining a fetch in flight shares that fetch, and its deadline', async () => {
      const a = new FakeProvider('a').answerWith('hang');
      const { engine } = buildEngine([a], options);
      const first = track(read(engine));
      await clock.to(600);
      const joined = track(read(engine));
      await clock.to(1000);
      expect([first.value?.error?.code, joined.value?.error?.code]).toEqual(['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT']);
      expect(joined.value?.latencyMs).toBe(400);
      expect(a.calls).toHaveLength(1);
    });

    it('an answer just inside the budget is served, stored and timed', async () => {
      const a = new FakeProvider('a').answerWith(after(999));
      const { engine, fetches } = buildEngine([a], options);
      const slice = track(read(engine));
      await clock.to(999);
      expect(slice.value).toMatchObject({ status: 'ok', cache: 'miss', latencyMs: 999, ageSeconds: 0 });
      expect(fetches).toEqual([{ provider: 'a', durationMs: 999, code: undefined }]);
      await clock.to(5_000);
      expect(a.calls[0].ctx.signal.aborted).toBe(false);
      expect(await read(engine)).toMatchObject({ cache: 'hit', latencyMs: 0, ageSeconds: 4 });
    });
  });

  describe('pages of one catalog', () => {
    it('cuts the other pages as soon as one fails, and reports the page\'s error', async () => {
      const cut: number[] = [];
      const a = new FakeProvider('a').answerWith(paged([{ ms: 500 }, { ms: 800 }, { ms: 100, fail: true }], cut));
      const { engine } = buildEngine([a], options);
      const slice = track(read(engine));
      await clock.to(99);
      expect(a.calls[0].ctx.signal.aborted).toBe(false);
      await clock.to(100);
      expect(a.calls[0].ctx.signal.aborted).toBe(true);
      expect(cut.sort((x, y) => x - y)).toEqual([500, 800]);
      expect(slice.value).toMatchObject({ status: 'error', latencyMs: 100, error: { code: 'UPSTREAM_ERROR', detail: 'scripted UPSTREAM_ERROR' } });
    });

    it('never aborts the signal of a catalog fetched whole, even after its deadline has passed', async () => {
      const cut: number[] = [];
      const a = new FakeProvider('a').answerWith(paged([{ ms: 100 }, { ms: 300 }, { ms: 200 }], cut));
      const { engine } = buildEngine([a], options);
      const slice = track(read(engine));
      await clock.to(300);
      expect(slice.value).toMatchObject({ status: 'ok', latencyMs: 300 });
      expect(slice.value?.images).toHaveLength(6);
      await clock.to(10_000);
      expect(a.calls[0].ctx.signal.aborted).toBe(false);
      expect(cut).toEqual([]);
    });
  });

  describe('one provider per slice', () => {
    it('a failing, crashing or hanging provider never changes another\'s slice, nor delays it', async () => {
      const a = new FakeProvider('a');
      const b = new FakeProvider('b').failWith(upstream('UPSTREAM_ERROR', 'b'));
      const c = new FakeProvider('c').failWith(new RangeError('bad page size'));
      const d = new FakeProvider('d').answerWith('hang');
      const { engine, slices: emitted } = buildEngine([a, b, c, d], options);
      const all = track(engine.slices(['d', 'c', 'b', 'a'], { bypassCache: false }));
      await settle();
      // Every slice but the hanging one is done at once.
      expect(emitted.map((s) => s.provider).sort()).toEqual(['a', 'b', 'c']);
      expect(all.settled).toBe(false);
      await clock.to(1000);
      const [sd, sc, sb, sa] = all.value!;
      expect(sa).toMatchObject({ provider: 'a', status: 'ok', cache: 'miss', latencyMs: 0, ageSeconds: 0 });
      expect(tagOf(sa)).toBe('a#1');
      expect(sb).toMatchObject({ provider: 'b', status: 'error', error: { code: 'UPSTREAM_ERROR', provider: 'b' } });
      expect(sc).toMatchObject({ provider: 'c', status: 'error', error: { code: 'UPSTREAM_BAD_RESPONSE', provider: 'c' } });
      expect(sd).toMatchObject({ provider: 'd', status: 'error', error: { code: 'UPSTREAM_TIMEOUT', provider: 'd' } });
      expect([a, b, c, d].map((p) => p.calls.length)).toEqual([1, 1, 1, 1]);
      // a's catalog was stored although its siblings failed.
      expect((await read(engine, 'a')).cache).toBe('hit');
    });

    it('logs a warning for each degraded slice, and none for healthy ones', async () => {
      const a = new FakeProvider('a');
      const b = new FakeProvider('b').failWith(upstream('UPSTREAM_ERROR', 'b'));
      const { engine, logLines } = buildEngine([a, b], options);
      await engine.slices(['a', 'b'], { bypassCache: false });
      a.failWith(upstream('UPSTREAM_UNAVAILABLE'));
      await engine.slices(['a'], { bypassCache: true });
      expect(logLines.map((line) => JSON.parse(line))).toEqual([
        { level: 'warn', msg: 'provider slice degraded', provider: 'b', status: 'error', code: 'UPSTREAM_ERROR' },
        { level: 'warn', msg: 'provider slice degraded', provider: 'a', status: 'stale', code: 'UPSTREAM_UNAVAILABLE' },
      ]);
    });

    it('reports every slice to the observer, with its latency', async () => {
      const a = new FakeProvider('a').answerWith(after(250));
      const { engine, slices: emitted, fetches } = buildEngine([a], options);
      const first = read(engine);
      await clock.to(250);
      await first;
      await clock.to(400);
      await read(engine);
      expect(emitted.map((s) => [s.cache, s.latencyMs])).toEqual([['miss', 250], ['hit', 0]]);
      expect(fetches).toEqual([{ provider: 'a', durationMs: 250, code: undefined }]);
    });
  });
});
