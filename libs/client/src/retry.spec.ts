import { FakeAnswer, FakeUpstream, startFakeUpstream } from '@images/testing';
import { createImagesClient } from './client';
import { retryAfterMs } from './retry';

// The retry loop against a real loopback server whose answers each test scripts: which statuses are repeated, how
// long Retry-After is waited, that attempts are bounded and a body is sent again whole.

const RATE_LIMITED = { status: 429, title: 'Too many requests', code: 'RATE_LIMITED', retryable: true, type: '/problems/rate-limited', instance: '/images', requestId: 'r1' };
const UNAVAILABLE = { ...RATE_LIMITED, status: 503, code: 'UPSTREAM_UNAVAILABLE', type: '/problems/upstream-unavailable' };
const EMPTY_LIST = { items: [], page: { limit: 50, total: 0, nextCursor: null }, sources: [], complete: true };
const problem = (body: typeof RATE_LIMITED, retryAfter?: string): FakeAnswer => ({
  status: body.status,
  headers: { 'content-type': 'application/problem+json', ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }) },
  body,
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, never negative, and nothing else', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});

describe('the client retries 429 and safe 503s', () => {
  let upstream: FakeUpstream;
  let answers: FakeAnswer[];

  beforeAll(async () => {
    // Each request takes the next scripted answer; the last one repeats.
    upstream = await startFakeUpstream(() => (answers.length > 1 ? answers.shift()! : answers[0]));
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });
  afterAll(() => upstream.close());

  it('waits Retry-After after a 429, then answers the retry', async () => {
    answers = [problem(RATE_LIMITED, '1'), { body: EMPTY_LIST }];
    const client = createImagesClient({ baseUrl: upstream.url });
    const started = Date.now();
    const { data, response } = await client.GET('/images', { params: { query: { limit: 5 } } });
    expect(response.status).toBe(200);
    expect(data?.page.total).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(upstream.requests.map((r) => r.rawQuery)).toEqual(['limit=5', 'limit=5']);
  });

  it('gives up after maxAttempts and returns the last 429, typed', async () => {
    answers = [problem(RATE_LIMITED, '0')];
    const client = createImagesClient({ baseUrl: upstream.url, retry: { maxAttempts: 3 } });
    const { error, response } = await client.GET('/images');
    expect(response.status).toBe(429);
    expect(error?.code).toBe('RATE_LIMITED');
    expect(upstream.requests).toHaveLength(3);
  });

  it('does not wait a Retry-After longer than maxDelayMs', async () => {
    answers = [problem(RATE_LIMITED, '120')];
    const client = createImagesClient({ baseUrl: upstream.url, retry: { maxDelayMs: 5000 } });
    const started = Date.now();
    expect((await client.GET('/images')).response.status).toBe(429);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(upstream.requests).toHaveLength(1);
  });

  it('backs off without Retry-After, and retry: false turns retries off', async () => {
    answers = [problem(UNAVAILABLE), problem(UNAVAILABLE), { body: EMPTY_LIST }];
    const client = createImagesClient({ baseUrl: upstream.url, retry: { baseDelayMs: 10 } });
    expect((await client.GET('/images')).response.status).toBe(200);
    expect(upstream.requests).toHaveLength(3);

    upstream.requests.length = 0;
    answers = [problem(UNAVAILABLE)];
    const once = createImagesClient({ baseUrl: upstream.url, retry: false });
    expect((await once.GET('/images')).response.status).toBe(503);
    expect(upstream.requests).toHaveLength(1);
  });

  it('repeats a POST after 503 only with an Idempotency-Key, sending the same body again', async () => {
    const client = createImagesClient({ baseUrl: upstream.url, retry: { baseDelayMs: 10 } });
    const body = { provider: 'didi', name: 'web', fromSnapshot: 'snap-1' };
    answers = [problem(UNAVAILABLE), { status: 202, body: { image: null, operation: null } }];
    expect((await client.POST('/images', { body })).response.status).toBe(503);
    expect(upstream.requests).toHaveLength(1);

    upstream.requests.length = 0;
    answers = [problem(UNAVAILABLE), { status: 202, body: { image: null, operation: null } }];
    const retried = await client.POST('/images', { body, params: { header: { 'Idempotency-Key': 'k-1' } } });
    expect(retried.response.status).toBe(202);
    expect(upstream.requests.map((r) => [r.method, r.headers['idempotency-key'], JSON.parse(r.body)])).toEqual([
      ['POST', 'k-1', body],
      ['POST', 'k-1', body],
    ]);
  });

  it('stops waiting at once when the caller aborts', async () => {
    answers = [problem(RATE_LIMITED, '20')];
    const client = createImagesClient({ baseUrl: upstream.url });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('caller gave up')), 100);
    const started = Date.now();
    await expect(client.GET('/images', { signal: controller.signal })).rejects.toThrow('caller gave up');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('sends the key as a bearer token or as X-Api-Key', async () => {
    answers = [{ body: EMPTY_LIST }];
    await createImagesClient({ baseUrl: upstream.url, apiKey: 'k-secret' }).GET('/images');
    await createImagesClient({ baseUrl: upstream.url, apiKey: 'k-secret', keyHeader: 'x-api-key' }).GET('/images');
    expect(upstream.requests.map((r) => [r.headers.authorization, r.headers['x-api-key']])).toEqual([
      ['Bearer k-secret', undefined],
      [undefined, 'k-secret'],
    ]);
  });
});
