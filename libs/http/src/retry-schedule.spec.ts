import { getEventListeners } from 'node:events';
import { GatewayError } from '@images/core';
import { DEFAULT_RETRY_POLICY, RetrySchedule, isRetryableRead, pause } from './retry';

const failure = (code: GatewayError['code'], extra: { status?: number; retryAfterSeconds?: number } = {}) =>
  new GatewayError(code, { provider: 'p', ...(extra.status !== undefined ? { upstream: { status: extra.status } } : {}), retryAfterSeconds: extra.retryAfterSeconds });

describe('isRetryableRead', () => {
  it('retries throttling and unavailability', () => {
    expect(isRetryableRead(failure('RATE_LIMITED'))).toBe(true);
    expect(isRetryableRead(failure('UPSTREAM_UNAVAILABLE'))).toBe(true);
  });

  it("retries a vendor's 5xx, not its 4xx nor an error without a status", () => {
    expect(isRetryableRead(failure('UPSTREAM_ERROR', { status: 500 }))).toBe(true);
    expect(isRetryableRead(failure('UPSTREAM_ERROR', { status: 599 }))).toBe(true);
    expect(isRetryableRead(failure('UPSTREAM_ERROR', { status: 499 }))).toBe(false);
    expect(isRetryableRead(failure('UPSTREAM_ERROR'))).toBe(false);
  });

  it('never retries other problems, whatever their status', () => {
    for (const code of ['UPSTREAM_TIMEOUT', 'UPSTREAM_AUTH_FAILED', 'UPSTREAM_BAD_RESPONSE', 'NOT_FOUND'] as const) {
      expect(isRetryableRead(failure(code, { status: 503 }))).toBe(false);
    }
  });
});

describe('RetrySchedule with a fixed jitter', () => {
  // Math.random at 0.5: cockatiel's decorrelated jitter gives 0.897, 1.093, 2.036, 4.046 times the initial delay.
  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('grows the backoff attempt after attempt from initialDelayMs, capped at maxDelayMs', () => {
    const schedule = new RetrySchedule({ maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 150 });
    const delays = [1, 2, 3, 4].map((attempt) => schedule.nextDelayMs(attempt, failure('RATE_LIMITED'), undefined));
    expect(delays[0]).toBeCloseTo(89.74, 1);
    expect(delays[1]).toBeCloseTo(109.3, 1);
    expect(delays.slice(2)).toEqual([150, 150]);
  });

  it('defaults to 3 attempts from 100 ms, up to 2 s', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 2000 });
    const schedule = new RetrySchedule(DEFAULT_RETRY_POLICY);
    expect(schedule.nextDelayMs(1, failure('RATE_LIMITED'), undefined)).toBeCloseTo(89.74, 1);
    expect(schedule.nextDelayMs(2, failure('RATE_LIMITED'), undefined)).toBeCloseTo(109.3, 1);
    expect(schedule.nextDelayMs(3, failure('RATE_LIMITED'), undefined)).toBeNull();
  });

  it("waits the vendor's Retry-After when it is longer than the backoff, the backoff otherwise", () => {
    const schedule = new RetrySchedule({ maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 2000 });
    expect(schedule.nextDelayMs(1, failure('RATE_LIMITED', { retryAfterSeconds: 1 }), undefined)).toBe(1000);
    expect(schedule.nextDelayMs(2, failure('RATE_LIMITED', { retryAfterSeconds: 0 }), undefined)).toBeCloseTo(109.3, 1);
  });

  it('without a budget, waits a Retry-After of exactly maxDelayMs but not one longer', () => {
    const schedule = new RetrySchedule({ maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 2000 });
    expect(schedule.nextDelayMs(1, failure('RATE_LIMITED', { retryAfterSeconds: 2 }), undefined)).toBe(2000);
    expect(schedule.nextDelayMs(2, failure('RATE_LIMITED', { retryAfterSeconds: 3 }), undefined)).toBeNull();
  });

  it('with a budget, waits only when the wait and 50 ms of attempt still fit before the deadline', () => {
    const schedule = new RetrySchedule({ maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 50 });
    const now = performance.now();
    // A Retry-After longer than maxDelayMs is fine when the budget has room for it.
    expect(schedule.nextDelayMs(1, failure('RATE_LIMITED', { retryAfterSeconds: 3 }), now + 3050)).toBe(3000);
    expect(schedule.nextDelayMs(2, failure('RATE_LIMITED', { retryAfterSeconds: 3 }), now + 3049)).toBeNull();
  });
});

describe('pause', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves true after the wait and leaves no listener on the signal', async () => {
    const signal = new AbortController().signal;
    let result: boolean | undefined;
    void pause(100, signal).then((value) => { result = value; });
    await jest.advanceTimersByTimeAsync(99);
    expect(result).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(result).toBe(true);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('resolves false at once for a signal already aborted, and when it aborts during the wait, leaving no timer', async () => {
    const done = new AbortController();
    done.abort();
    await expect(pause(100, done.signal)).resolves.toBe(false);

    const caller = new AbortController();
    const waiting = pause(1000, caller.signal);
    await jest.advanceTimersByTimeAsync(10);
    caller.abort();
    await expect(waiting).resolves.toBe(false);
    expect(jest.getTimerCount()).toBe(0);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });
});
