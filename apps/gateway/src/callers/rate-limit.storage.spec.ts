import { MemoryWindows, RateLimitStorage, SharedWindows, WindowCounter } from './rate-limit.storage';

/** A shared counter that fails, hangs or answers, as the test says; counts its calls. */
class ScriptedCounter implements WindowCounter {
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  calls = 0;
  private readonly inner = new MemoryWindows();

  count(key: string, windowMs: number) {
    this.calls++;
    if (this.mode === 'fail') return Promise.reject(new Error('connection refused'));
    if (this.mode === 'hang') return new Promise<never>(() => undefined);
    return this.inner.count(key, windowMs);
  }
}

const quiet = { warn: () => undefined, info: () => undefined };

describe('rate-limit windows', () => {
  afterEach(() => jest.useRealTimers());

  it('counts hits in a fixed window per key, and starts again when it ends', async () => {
    jest.useFakeTimers();
    const windows = new MemoryWindows();
    expect(await windows.count('a', 60_000)).toEqual({ hits: 1, ttlMs: 60_000 });
    jest.advanceTimersByTime(59_000);
    expect(await windows.count('a', 60_000)).toEqual({ hits: 2, ttlMs: 1000 });
    expect(await windows.count('b', 60_000)).toEqual({ hits: 1, ttlMs: 60_000 });
    jest.advanceTimersByTime(1000);
    expect(await windows.count('a', 60_000)).toEqual({ hits: 1, ttlMs: 60_000 });
  });

  it('never holds more keys than its bound', async () => {
    const windows = new MemoryWindows(3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) await windows.count(key, 60_000);
    expect(await windows.count('a', 60_000)).toEqual({ hits: 1, ttlMs: 60_000 });
    expect(await windows.count('e', 60_000)).toEqual({ hits: 2, ttlMs: expect.any(Number) });
  });

  it('blocks over the limit until the window ends, with the seconds left', async () => {
    jest.useFakeTimers();
    const storage = new RateLimitStorage(new MemoryWindows(), 'p:');
    for (let i = 0; i < 3; i++) expect((await storage.increment('k', 60_000, 3, 60_000, 'requests')).isBlocked).toBe(false);
    jest.advanceTimersByTime(20_500);
    expect(await storage.increment('k', 60_000, 3, 60_000, 'requests')).toEqual({ totalHits: 4, timeToExpire: 40, isBlocked: true, timeToBlockExpire: 40 });
    // Another throttler counts apart.
    expect((await storage.increment('k', 60_000, 3, 60_000, 'writes')).totalHits).toBe(1);
  });

  it('counts in memory while the shared counter fails or hangs, never waiting on it for long, and goes back to it', async () => {
    const shared = new ScriptedCounter();
    const windows = new SharedWindows(shared, new MemoryWindows(), quiet);
    expect((await windows.count('a', 60_000)).hits).toBe(1);
    shared.mode = 'hang';
    const started = performance.now();
    expect((await windows.count('a', 60_000)).hits).toBe(1);
    expect(performance.now() - started).toBeLessThan(1000);
    // While it is deemed down, it is not asked again at once.
    shared.mode = 'fail';
    const callsWhileDown = shared.calls;
    expect((await windows.count('a', 60_000)).hits).toBe(2);
    expect(shared.calls).toBe(callsWhileDown);
    shared.mode = 'ok';
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await windows.count('a', 60_000)).hits).toBe(2);
    expect(shared.calls).toBe(callsWhileDown + 1);
  });
});
