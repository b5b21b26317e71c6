import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { FakeAnswer, FakeUpstream, recordedTracing, parentIdOf, recordingDeps, startFakeUpstream } from '@images/testing';
import { httpStatusError } from './errors';
import { UpstreamHttp } from './upstream-http';
import { UpstreamRequest, UpstreamResponse } from './upstream-types';

// Tracing on: a CLIENT span per attempt, under the active span, its context sent to the vendor as traceparent.
const tracing = recordedTracing();
const scripts = new Map<string, FakeAnswer[]>();

describe('UpstreamHttp spans', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream((request) => scripts.get(request.path)?.shift() ?? { body: { ok: true } });
  });
  afterAll(() => upstream.close());
  afterEach(() => {
    scripts.clear();
    tracing.reset();
    upstream.requests.length = 0;
  });

  const make = (traced = true) => {
    const deps = recordingDeps();
    return new UpstreamHttp({ provider: 'p', baseUrl: upstream.url, observer: deps.observer, logger: deps.logger, maxSockets: 2, retryPolicy: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 10 }, tracer: traced ? tracing.tracer : undefined });
  };
  const request = (path: string, extra: Partial<UpstreamRequest> = {}): UpstreamRequest => ({ operation: 'op/list', method: 'GET', path, signal: AbortSignal.timeout(3000), ...extra });
  const strict = (response: UpstreamResponse) => {
    if (response.status >= 300) throw httpStatusError('p', response);
    return response.json;
  };

  it('makes one CLIENT span per attempt under the active span, and sends each attempt its own traceparent', async () => {
    scripts.set('/flaky', [{ status: 503 }]);
    await tracing.tracer.startActiveSpan('slice p', async (slice) => {
      await make().call(request('/flaky'), strict);
      slice.end();
    });
    const spans = tracing.spans();
    const slice = spans.find((s) => s.name === 'slice p')!;
    const calls = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(calls.map((s) => [s.name, s.attributes['images.attempt'], s.attributes['http.response.status_code'], s.status.code])).toEqual([
      ['GET op/list', 1, 503, SpanStatusCode.ERROR],
      ['GET op/list', 2, 200, SpanStatusCode.UNSET],
    ]);
    expect(calls[0].attributes).toMatchObject({ 'images.provider': 'p', 'images.operation': 'op/list', 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'error.type': 'UPSTREAM_UNAVAILABLE' });
    expect(calls[1].attributes['http.request.resend_count']).toBe(1);
    for (const call of calls) {
      expect(parentIdOf(call)).toBe(slice.spanContext().spanId);
      expect(call.spanContext().traceId).toBe(slice.spanContext().traceId);
    }
    expect(upstream.requests.map((r) => r.headers.traceparent)).toEqual(calls.map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`));
  });

  it('keeps the query (a signature) and the headers (a token) out of every attribute', async () => {
    await make().call(request('/signed', { query: [['Signature', 'sig-secret-1']], headers: { Authorization: 'Bearer tok-secret-2' } }), strict);
    expect(upstream.requests[0].headers.authorization).toBe('Bearer tok-secret-2');
    const attributes = JSON.stringify(tracing.spans().map((s) => [s.name, s.attributes]));
    expect(attributes).toContain('op/list');
    expect(attributes).not.toMatch(/secret|Signature|\/signed/);
  });

  it('marks a cancelled call, and a download (stream) is one span ended when its headers arrive', async () => {
    const controller = new AbortController();
    scripts.set('/slow', [{ hang: true }]);
    const call = make().call(request('/slow', { signal: controller.signal }), strict);
    setTimeout(() => controller.abort(), 50);
    await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(tracing.spans().map((s) => s.attributes['images.cancelled'])).toEqual([true]);

    tracing.reset();
    const answer = await make().stream(request('/file', { operation: 'file/download' }), () => { throw new Error('not expected'); });
    answer.body.resume();
    expect(tracing.spans().map((s) => [s.name, s.attributes['http.response.status_code']])).toEqual([['GET file/download', 200]]);
    expect(upstream.requests.at(-1)!.headers.traceparent).toContain(tracing.spans()[0].spanContext().spanId);
  });

  it('without a tracer, sends no traceparent and records nothing', async () => {
    await make(false).call(request('/plain'), strict);
    expect(upstream.requests[0].headers.traceparent).toBeUndefined();
    expect(tracing.spans()).toEqual([]);
  });
});
