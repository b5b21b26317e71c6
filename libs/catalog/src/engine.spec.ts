import { GatewayError, Image, ImageProvider, CallContext } from '@images/core';
import { recordingDeps } from '@images/testing';
import { MemoryCatalogStore } from './catalog-store';
import { CatalogEngine, CatalogSlice, EngineOptions } from './engine';

function image(provider: string, n: number): Image {
  return {
    id: `${provider}:${n}`, provider, providerImageId: String(n), name: `img-${n}`, description: null, status: 'available', providerStatus: null,
    visibility: 'public', osType: 'linux', platform: null, osVersion: null, architecture: null, bits: null, diskFormat: null,
    sizeBytes: null, minDiskGiB: null, minRamMiB: null, regions: [], createdAt: null, updatedAt: null, extra: {},
  };
}

/** A provider whose behaviour each test sets: counts calls, can fail, hang (until aborted) or be slow. */
class ScriptedProvider implements ImageProvider {
  readonly displayName = 'scripted';
  readonly capabilities = ['list'] as const;
  readonly accountScope = 'scope';
  calls = 0;
  /** Whether the signal of the last call was aborted by the time it ended. */
  lastSignalAborted = false;
  behaviour: 'ok' | 'fail' | 'hang' | 'ignore-abort' = 'ok';
  delayMs = 0;
  constructor(readonly id: string, private readonly size = 3) {}

  async listCatalog(ctx: CallContext): Promise<Image[]> {
    this.calls++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.behaviour === 'fail') throw new GatewayError('UPSTREAM_ERROR', { provider: this.id, detail: 'scripted failure' });
    if (this.behaviour === 'hang') {
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => {
        this.lastSignalAborted = ctx.signal.aborted;
        reject(new Error('socket aborted'));
      }));
    }
    if (this.behaviour === 'ignore-abort') await new Promise(() => undefined);
    return Array.from({ length: this.size }, (_, i) => image(this.id, i));
  }
}

const baseOptions: EngineOptions = {
  cacheTtlSeconds: 60, cacheStaleSeconds: 600, providerTimeoutMs: 200, circuitFailureThreshold: 3, circuitHalfOpenAfterMs: 150, keyPrefix: 'unit:',
};

/** A store whose reads and writes take their time, like a struggling Redis. */
class SlowStore extends MemoryCatalogStore {
  constructor(private readonly readMs: number, private readonly writeMs: number) {
    super();
  }
  override async get(key: string) {
    await new Promise((r) => setTimeout(r, this.readMs));
    return super.get(key);
  }
  override async set(key: string, entry: Parameters<MemoryCatalogStore['set']>[1], retainMs: number) {
    await new Promise((r) => setTimeout(r, this.writeMs));
    return super.set(key, entry, retainMs);
  }
}

function engineWith(providers: ScriptedProvider[], options: Partial<EngineOptions> = {}, store = new MemoryCatalogStore()) {
  const slices: CatalogSlice[] = [];
  const circuits: string[] = [];
  const deps = recordingDeps();
  const engine = new CatalogEngine(providers, store, { ...baseOptions, ...options }, {
    onSlice: (s) => slices.push(s),
    onCircuitChange: (p, state) => circuits.push(`${p}:${state}`),
    onFetch: () => undefined,
  }, deps.logger);
  return { engine, slices, circuits };
}

describe('CatalogEngine', () => {
  it('fetches on a miss, then answers from the cache', async () => {
    const a = new ScriptedProvider('a');
    const { engine } = engineWith([a]);
    const [first] = await engine.slices(['a'], { bypassCache: false });
    const [second] = await engine.slices(['a'], { bypassCache: false });
    expect([first.status, first.cache, first.images.length]).toEqual(['ok', 'miss', 3]);
    expect([second.status, second.cache]).toEqual(['ok', 'hit']);
    expect(a.calls).toBe(1);
  });

  it('bypasses the cache when asked, and says so', async () => {
    const a = new ScriptedProvider('a');
    const { engine } = engineWith([a]);
    await engine.slices(['a'], { bypassCache: false });
    const [slice] = await engine.slices(['a'], { bypassCache: true });
    expect(slice.cache).toBe('bypass');
    expect(a.calls).toBe(2);
  });

  it('coalesces concurrent misses for one catalog into one fetch', async () => {
    const a = new ScriptedProvider('a');
    a.delayMs = 30;
    const { engine } = engineWith([a]);
    const results = await Promise.all(Array.from({ length: 20 }, () => engine.slices(['a'], { bypassCache: false })));
    expect(a.calls).toBe(1);
    expect(results.every(([s]) => s.status === 'ok' && s.images.length === 3)).toBe(true);
  });

  it('marks only the failing provider and keeps the others whole', async () => {
    const a = new ScriptedProvider('a');
    const b = new ScriptedProvider('b');
    b.behaviour = 'fail';
    const { engine } = engineWith([a, b]);
    const [sa, sb] = await engine.slices(['a', 'b'], { bypassCache: false });
    expect([sa.status, sa.images.length]).toEqual(['ok', 3]);
    expect([sb.status, sb.error?.code, sb.images.length]).toEqual(['error', 'UPSTREAM_ERROR', 0]);
  });

  it('bounds a hanging provider by its budget, aborting its signal, without delaying the others', async () => {
    const a = new ScriptedProvider('a');
    const b = new ScriptedProvider('b');
    b.behaviour = 'hang';
    const { engine } = engineWith([a, b], { providerTimeoutMs: 150 });
    const started = Date.now();
    const [sa, sb] = await engine.slices(['a', 'b'], { bypassCache: false });
    const elapsed = Date.now() - started;
    expect(sa.status).toBe('ok');
    expect(sa.latencyMs).toBeLessThan(100);
    expect([sb.status, sb.error?.code]).toEqual(['error', 'UPSTREAM_TIMEOUT']);
    // The fetch's own deadline fires in the same millisecond as the slice's.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(b.lastSignalAborted).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1000);
  });

  it('counts a slow cache read against the budget: the slice still answers at the budget', async () => {
    const a = new ScriptedProvider('a');
    a.behaviour = 'hang';
    const { engine } = engineWith([a], { providerTimeoutMs: 200 }, new SlowStore(150, 0));
    const started = Date.now();
    const [slice] = await engine.slices(['a'], { bypassCache: false });
    expect(slice.error?.code).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(320);
  });

  it('never waits for a slow cache write before answering', async () => {
    const a = new ScriptedProvider('a');
    const { engine } = engineWith([a], { providerTimeoutMs: 2000 }, new SlowStore(0, 1000));
    const started = Date.now();
    const [slice] = await engine.slices(['a'], { bypassCache: true });
    expect(slice.status).toBe('ok');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('tells the caller when to retry while a circuit is open', async () => {
    const a = new ScriptedProvider('a');
    a.behaviour = 'fail';
    const { engine } = engineWith([a], { circuitFailureThreshold: 1, circuitHalfOpenAfterMs: 2500 });
    await engine.slices(['a'], { bypassCache: true });
    const [open] = await engine.slices(['a'], { bypassCache: true });
    expect(open.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryAfterSeconds: 3 });
  });

  it('answers at the budget even when a provider ignores its abort signal', async () => {
    const a = new ScriptedProvider('a');
    a.behaviour = 'ignore-abort';
    const { engine } = engineWith([a], { providerTimeoutMs: 100 });
    const [slice] = await engine.slices(['a'], { bypassCache: false });
    expect(slice.error?.code).toBe('UPSTREAM_TIMEOUT');
    expect(slice.latencyMs).toBeLessThan(1000);
  });

  it('serves the stale catalog, marked, when the refresh fails', async () => {
    const a = new ScriptedProvider('a');
    const { engine } = engineWith([a], { cacheTtlSeconds: 1 });
    await engine.slices(['a'], { bypassCache: false });
    await new Promise((r) => setTimeout(r, 1100));
    a.behaviour = 'fail';
    const [slice] = await engine.slices(['a'], { bypassCache: false });
    expect([slice.status, slice.cache, slice.images.length, slice.error?.code]).toEqual(['stale', 'stale', 3, 'UPSTREAM_ERROR']);
    expect(slice.ageSeconds).toBeGreaterThanOrEqual(1);
  });

  it('opens the circuit after repeated failures, answers at once while open, and closes after a good trial', async () => {
    const a = new ScriptedProvider('a');
    a.behaviour = 'fail';
    const { engine, circuits } = engineWith([a], { circuitFailureThreshold: 3, circuitHalfOpenAfterMs: 150 });
    for (let i = 0; i < 3; i++) await engine.slices(['a'], { bypassCache: true });
    expect(engine.states()[0].circuit).toBe('open');
    const callsWhenOpened = a.calls;
    const [open] = await engine.slices(['a'], { bypassCache: true });
    expect(open.error?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(a.calls).toBe(callsWhenOpened);
    a.behaviour = 'ok';
    await new Promise((r) => setTimeout(r, 200));
    const [trial] = await engine.slices(['a'], { bypassCache: true });
    expect(trial.status).toBe('ok');
    expect(engine.states()[0].circuit).toBe('closed');
    expect(circuits).toEqual(['a:open', 'a:half-open', 'a:closed']);
  });

  it('records the last success and the last error per provider', async () => {
    const a = new ScriptedProvider('a');
    const { engine } = engineWith([a]);
    await engine.slices(['a'], { bypassCache: true });
    a.behaviour = 'fail';
    await engine.slices(['a'], { bypassCache: true });
    const [state] = engine.states();
    expect(state.lastSuccessAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(state.lastError?.code).toBe('UPSTREAM_ERROR');
  });
});
