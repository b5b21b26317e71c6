import { GatewayError, PROBLEMS } from '@images/core';
import { CatalogEngine } from './engine';
import { EPOCH, FakeProvider, buildEngine, read, settle, tagOf, upstream, useFakeClock } from './engine-spec-support';

// Threshold 3, half-open after 4200 ms (so Retry-After is ceil(4.2) = 5, where round or floor would say 4).
const ANSWERS = ['NOT_FOUND', 'VALIDATION_FAILED', 'FORBIDDEN', 'QUOTA_EXCEEDED', 'CONFLICT'] as const;
const TRIPS: Array<[string, () => unknown, string]> = [
  ...(['UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_ERROR', 'UPSTREAM_BAD_RESPONSE', 'RATE_LIMITED', 'UPSTREAM_AUTH_FAILED'] as const)
    .map((code): [string, () => unknown, string] => [code, () => upstream(code), code]),
  ['a plain Error', () => new Error('mapper crashed'), 'UPSTREAM_BAD_RESPONSE'],
];

/** Bypass reads, so every one of them asks the provider (or the circuit). */
async function failTimes(engine: CatalogEngine, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await read(engine, 'a', true);
}

describe('CatalogEngine circuit breaker on a fake clock', () => {
  const clock = useFakeClock();

  describe('what trips it', () => {
    it.each(ANSWERS)('a vendor answer (%s) never opens it, however often it comes', async (code) => {
      const a = new FakeProvider('a').failWith(upstream(code));
      const { engine, circuits } = buildEngine([a]);
      for (let i = 0; i < 6; i++) expect((await read(engine, 'a', true)).error?.code).toBe(code);
      expect(a.calls).toHaveLength(6);
      expect(engine.circuitOpen('a')).toBe(false);
      expect(engine.states()[0].circuit).toBe('closed');
      expect(circuits).toEqual([]);
    });

    it.each(TRIPS)('%s opens it after exactly circuitFailureThreshold consecutive failures', async (_name, error, sliceCode) => {
      const a = new FakeProvider('a').failWith(error());
      const { engine, circuits } = buildEngine([a]);
      await failTimes(engine, 2);
      expect(engine.circuitOpen('a')).toBe(false);
      expect(engine.states()[0].circuit).toBe('closed');
      const third = await read(engine, 'a', true);
      expect(third.error?.code).toBe(sliceCode);
      expect(engine.circuitOpen('a')).toBe(true);
      expect(engine.states()[0].circuit).toBe('open');
      expect(circuits).toEqual(['a:open']);
      expect(a.calls).toHaveLength(3);
    });

    it('follows circuitFailureThreshold: 5 opens at the fifth failure', async () => {
      const a = new FakeProvider('a').failWith(upstream('UPSTREAM_ERROR'));
      const { engine } = buildEngine([a], { circuitFailureThreshold: 5 });
      await failTimes(engine, 4);
      expect(engine.circuitOpen('a')).toBe(false);
      await failTimes(engine, 1);
      expect(engine.circuitOpen('a')).toBe(true);
    });

    it('a success between failures starts the count again', async () => {
      const a = new FakeProvider('a').failWith(upstream('UPSTREAM_ERROR'));
      const { engine } = buildEngine([a]);
      await failTimes(engine, 2);
      a.answerWith('ok');
      expect((await read(engine, 'a', true)).status).toBe('ok');
      a.failWith(upstream('UPSTREAM_ERROR'));
      await failTimes(engine, 2);
      expect(engine.circuitOpen('a')).toBe(false);
      await failTimes(engine, 1);
      expect(engine.circuitOpen('a')).toBe(true);
      expect(a.calls).toHaveLength(6);
    });

    // A vendor answer such as NOT_FOUND is a success for the breaker: the vendor demonstrably answered.
    it('a vendor answer between upstream failures starts the count again, as a success does', async () => {
      const a = new FakeProvider('a').failWith(upstream('UPSTREAM_ERROR'));
      const { engine } = buildEngine([a]);
      await failTimes(engine, 2);
      a.failWith(upstream('NOT_FOUND'));
      await failTimes(engine, 1);
      a.failWith(upstream('UPSTREAM_ERROR'));
      await failTimes(engine, 1);
      expect(engine.circuitOpen('a')).toBe(false);
    });
  });

  describe('while open and after', () => {
    it('answers at once without calling the provider: UPSTREAM_UNAVAILABLE with Retry-After ceil(halfOpenAfter / 1000)', async () => {
      const a = new FakeProvider('a').failWith(upstream('UPSTREAM_ERROR'));
      const { engine, fetches } = buildEngine([a]);
      await failTimes(engine, 3);
      const open = await read(engine, 'a', true);
      expect(open).toMatchObject({ status: 'error', images: [], latencyMs: 0 });
      expect(open.error).toBeInstanceOf(GatewayError);
      expect(open.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'a', retryAfterSeconds: 5 });
      expect(open.error?.detail).toContain('circuit is open');
      expect(a.calls).toHaveLength(3);
      expect(engine.states()[0].lastError?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(fetches.map((f) => f.code)).toEqual(['UPSTREAM_ERROR', 'UPSTREAM_ERROR', 'UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE']);
    });

    it('serves a cached catalog stale, with the circuit error, while open', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a], { circuitHalfOpenAfterMs: 120_000 });
      await read(engine);
      a.failWith(upstream('UPSTREAM_ERROR'));
      await failTimes(engine, 3);
      await clock.to(61_000);
      const slice = await read(engine);
      expect(slice).toMatchObject({ status: 'stale', cache: 'stale', ageSeconds: 61, error: { code: 'UPSTREAM_UNAVAILABLE', retryAfterSeconds: 120 } });
      expect([tagOf(slice), a.calls.length]).toEqual(['a#1', 4]);
    });

    it('lets one trial call through after exactly circuitHalfOpenAfterMs; a good trial closes it', async () => {
      const a = new FakeProvider('a').failWith(upstream('UPSTREAM_TIMEOUT'));
      const { engine, circuits } = buildEngine([a]);
      await clock.to(1_000);
      await failTimes(engine, 3);
      a.answerWith('ok');
      await clock.to(1_000 + 4_199);
      expect((await read(engine, 'a', true)).error?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(a.calls).toHaveLength(3);
      await clock.to(1_000 + 4_200);
      const trial = await read(engine, 'a', true);
      expect([trial.status, tagOf(trial), a.calls.length]).toEqual(['ok', 'a#4', 4]);
      expect(engine.circuitOpen('a')).toBe(false);
      expect(engine.states()[0].circuit).toBe('closed');
      expect(circuits).toEqual(['a:open', 'a:half-open', 'a:closed']);
      // The trial's catalog was stored: a plain read is a hit.
      expect((await read(engine)).cache).toBe('hit');
    });

    it('a failed trial opens it again for another circuitHalfOpenAfterMs', async () => {
      const a = new FakeProvider('a').failWith(upstream('UPSTREAM_ERROR'));
      const { engine, circuits } = buildEngine([a]);
      await failTimes(engine, 3);
      await clock.to(4_200);
      await failTimes(engine, 1);
      expect(a.calls).toHaveLength(4);
      expect(circuits).toEqual(['a:open', 'a:half-open', 'a:open']);
      await clock.to(4_200 + 4_199);
      await failTimes(engine, 1);
      expect(a.calls).toHaveLength(4);
      await clock.to(4_200 + 4_200);
      await failTimes(engine, 1);
      expect(a.calls).toHaveLength(5);
    });

    // The open-circuit path is coalesced too: the reads that meet the trial share it.
    it('concurrent reads when it half-opens make one call, the trial, and all share its answer', async () => {
      const a = new FakeProvider('a').failWith(upstream('UPSTREAM_ERROR'));
      const { engine } = buildEngine([a]);
      await failTimes(engine, 3);
      a.answerWith('manual');
      await clock.to(4_200);
      const reads = Array.from({ length: 5 }, () => read(engine));
      await settle();
      a.resolve(4);
      await settle();
      if (a.calls.length > 4) a.resolve(5);
      expect((await Promise.all(reads)).map(tagOf)).toEqual(Array(5).fill('a#4'));
      expect(a.calls).toHaveLength(4);
    });

    it('starts no refresh ahead while open: the cached catalog keeps serving', async () => {
      const a = new FakeProvider('a');
      const { engine, fetches } = buildEngine([a], { circuitHalfOpenAfterMs: 120_000 });
      await read(engine);
      a.failWith(upstream('UPSTREAM_ERROR'));
      await clock.to(40_000);
      await failTimes(engine, 3);
      const fetchesWhenOpened = fetches.length;
      await clock.to(50_000);
      const hit = await read(engine);
      await settle();
      expect([hit.cache, hit.status, tagOf(hit)]).toEqual(['hit', 'ok', 'a#1']);
      expect(fetches).toHaveLength(fetchesWhenOpened);
      expect(a.calls).toHaveLength(4);
    });

    it('one provider\'s open circuit leaves another\'s closed', async () => {
      const a = new FakeProvider('a');
      const b = new FakeProvider('b').failWith(upstream('UPSTREAM_ERROR', 'b'));
      const { engine, circuits } = buildEngine([a, b]);
      for (let i = 0; i < 4; i++) await engine.slices(['a', 'b'], { bypassCache: true });
      expect([engine.circuitOpen('a'), engine.circuitOpen('b')]).toEqual([false, true]);
      expect(engine.states().map((s) => s.circuit)).toEqual(['closed', 'open']);
      expect(circuits).toEqual(['b:open']);
      expect(a.calls).toHaveLength(4);
    });
  });

  describe('error mapping and states()', () => {
    it('starts closed, with no success and no error', () => {
      const { engine } = buildEngine([new FakeProvider('a'), new FakeProvider('b')]);
      expect(engine.states()).toEqual([
        { id: 'a', displayName: 'Fake a', capabilities: ['list'], circuit: 'closed', lastSuccessAt: null, lastError: null },
        { id: 'b', displayName: 'Fake b', capabilities: ['list'], circuit: 'closed', lastSuccessAt: null, lastError: null },
      ]);
      expect(engine.providerIds).toEqual(['a', 'b']);
      expect(engine.circuitOpen('nope')).toBe(false);
    });

    it('turns a plain Error into UPSTREAM_BAD_RESPONSE naming the provider, and records it', async () => {
      const a = new FakeProvider('a');
      const { engine } = buildEngine([a]);
      await clock.to(1_500);
      await read(engine);
      a.failWith(new TypeError("Cannot read properties of undefined (reading 'imageId')"));
      await clock.to(2_000);
      const slice = await read(engine, 'a', true);
      expect(slice.status).toBe('stale');
      expect(slice.error).toBeInstanceOf(GatewayError);
      expect(slice.error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', provider: 'a', status: 502 });
      expect(slice.error?.detail).toMatch(/^a answered .*\(Cannot read properties of undefined \(reading 'imageId'\)\)$/);
      const [state] = engine.states();
      expect(state.lastSuccessAt).toBe(new Date(EPOCH + 1_500).toISOString());
      // The slice keeps the detail; the state, shown by /providers and /health, has the gateway's words only (API.md section 8).
      expect(slice.error?.detail).toContain('could not read');
      expect(state.lastError).toEqual({ code: 'UPSTREAM_BAD_RESPONSE', detail: PROBLEMS.UPSTREAM_BAD_RESPONSE.title, at: new Date(EPOCH + 2_000).toISOString() });
    });

    it('passes a GatewayError through unchanged and keeps the last success when a failure follows', async () => {
      const a = new FakeProvider('a');
      const error = upstream('RATE_LIMITED');
      const { engine } = buildEngine([a]);
      await read(engine);
      a.failWith(error);
      await clock.to(3_000);
      const slice = await read(engine, 'a', true);
      expect(slice.error).toBe(error);
      expect(engine.states()[0]).toMatchObject({
        lastSuccessAt: new Date(EPOCH).toISOString(),
        lastError: { code: 'RATE_LIMITED', detail: PROBLEMS.RATE_LIMITED.title, at: new Date(EPOCH + 3_000).toISOString() },
      });
      a.answerWith('ok');
      await clock.to(4_000);
      await read(engine, 'a', true);
      expect(engine.states()[0].lastSuccessAt).toBe(new Date(EPOCH + 4_000).toISOString());
    });
  });
});
