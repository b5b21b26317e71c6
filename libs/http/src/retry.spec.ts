import { GatewayError } from '@images/core';
import { FakeAnswer, FakeUpstream, recordingDeps, startFakeUpstream } from '@images/testing';
import { httpStatusError } from './errors';
import { RetrySchedule } from './retry';
import { UpstreamHttp, UpstreamRequest, UpstreamResponse } from '.';

/** Answers queued per path; once a path's queue is empty it answers 200. */
const scripts = new Map<string, FakeAnswer[]>();

describe('UpstreamHttp retries', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream((request) => scripts.get(request.path)?.shift() ?? { body: { ok: true } });
  });
  afterAll(() => upstream.close());
  afterEach(() => scripts.clear());

  const interpret = (response: UpstreamResponse) => {
    if (response.status >= 300) throw httpStatusError('p', response);
    return response.json;
  };
  const client = () => {
    const deps = recordingDeps();
    const http = new UpstreamHttp({ provider: 'p', baseUrl: upstream.url, observer: deps.observer, logger: deps.logger, maxSockets: 4, retryPolicy: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 } });
    return { deps, http };
  };
  const request = (path: string, extra: Partial<UpstreamRequest> = {}): UpstreamRequest => ({ operation: 'list', method: 'GET', path, signal: AbortSignal.timeout(5000), ...extra });
  const hits = (path: string) => upstream.requests.filter((r) => r.path === path).length;

  it('answers a single throttle with a retry the caller never sees, and counts it', async () => {
    scripts.set('/throttled', [{ status: 429, body: 'slow down' }]);
    const { http, deps } = client();
    await expect(http.call(request('/throttled'), interpret)).resolves.toEqual({ ok: true });
    expect(hits('/throttled')).toBe(2);
    expect(deps.retries).toEqual([expect.objectContaining({ provider: 'p', operation: 'list', attempt: 1, problemCode: 'RATE_LIMITED' })]);
    expect(deps.events.map((e) => [e.attempt, e.problemCode])).toEqual([[1, 'RATE_LIMITED'], [2, undefined]]);
  });

  it('retries 5xx and resets up to the attempt limit, then gives the last failure', async () => {
    scripts.set('/down', [{ status: 503 }, { reset: true }, { status: 500 }, { status: 200 }]);
    const { http } = client();
    await expect(http.call(request('/down'), interpret)).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', upstream: { status: 500 } });
    expect(hits('/down')).toBe(3);
  });

  it('never retries a write, nor a final answer such as bad credentials', async () => {
    scripts.set('/write', [{ status: 503 }]);
    scripts.set('/auth', [{ status: 401 }]);
    const { http } = client();
    await expect(http.call(request('/write', { method: 'POST', body: '{}' }), interpret)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    await expect(http.call(request('/auth'), interpret)).rejects.toMatchObject({ code: 'UPSTREAM_AUTH_FAILED' });
    expect([hits('/write'), hits('/auth')]).toEqual([1, 1]);
  });

  it('retries a read sent as POST when the request opts in', async () => {
    scripts.set('/post-read', [{ status: 503 }]);
    const { http } = client();
    await expect(http.call(request('/post-read', { method: 'POST', body: '{}', retry: true }), interpret)).resolves.toEqual({ ok: true });
    expect(hits('/post-read')).toBe(2);
  });

  it("waits out the vendor's Retry-After when it fits the budget", async () => {
    scripts.set('/after', [{ status: 429, headers: { 'retry-after': '1' } }]);
    const { http } = client();
    const started = performance.now();
    await expect(http.call(request('/after', { deadline: performance.now() + 3000 }), interpret)).resolves.toEqual({ ok: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('answers at once when the Retry-After does not fit the remaining budget', async () => {
    scripts.set('/later', [{ status: 429, headers: { 'retry-after': '30' } }]);
    const { http } = client();
    const started = performance.now();
    await expect(http.call(request('/later', { deadline: performance.now() + 2000 }), interpret)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 30 });
    expect(performance.now() - started).toBeLessThan(500);
    expect(hits('/later')).toBe(1);
  });

  it('stops waiting when the budget aborts during a backoff', async () => {
    scripts.set('/abort', [{ status: 429, headers: { 'retry-after': '2' } }]);
    const { http, deps } = client();
    const budget = new AbortController();
    const outcome = expect(http.call(request('/abort', { signal: budget.signal, deadline: performance.now() + 10_000 }), interpret)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // Aborted once the 2 s backoff has begun (a fixed delay could land before the 429 on a loaded machine).
    while (deps.retries.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const abortedAt = performance.now();
    budget.abort(new GatewayError('UPSTREAM_TIMEOUT', { provider: 'p' }));
    await outcome;
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(hits('/abort')).toBe(1);
  });
});

describe('RetrySchedule', () => {
  const throttled = (retryAfterSeconds?: number) => new GatewayError('RATE_LIMITED', { provider: 'p', retryAfterSeconds });

  it('backs off with jitter inside the bounds and stops at the attempt limit', () => {
    const schedule = new RetrySchedule({ maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 400 });
    const delays = [1, 2, 3].map((attempt) => schedule.nextDelayMs(attempt, throttled(), undefined));
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(0), expect(delay).toBeLessThanOrEqual(400);
    expect(schedule.nextDelayMs(4, throttled(), undefined)).toBeNull();
  });

  it('without a known budget, refuses to wait longer than the largest backoff for a vendor', () => {
    const schedule = new RetrySchedule({ maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 2000 });
    expect(schedule.nextDelayMs(1, throttled(5), undefined)).toBeNull();
    expect(schedule.nextDelayMs(1, throttled(1), undefined)).toBe(1000);
  });

  it('treats unknown vendor codes, timeouts and bad answers as final', () => {
    const schedule = new RetrySchedule({ maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 });
    for (const code of ['UPSTREAM_TIMEOUT', 'UPSTREAM_BAD_RESPONSE', 'VALIDATION_FAILED'] as const) {
      expect(schedule.nextDelayMs(1, new GatewayError(code, { provider: 'p' }), undefined)).toBeNull();
    }
    expect(schedule.nextDelayMs(1, new GatewayError('UPSTREAM_ERROR', { provider: 'p', upstream: { status: 200, code: '2' } }), undefined)).toBeNull();
  });
});
