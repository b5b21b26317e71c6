import { SpanStatusCode, trace } from '@opentelemetry/api';
import { parentIdOf, recordedTracing } from '@images/testing';
import { FakeProvider, buildEngine, catalogOf, deferred, upstream } from './engine-spec-support';

// Tracing on: a span per provider slice, active while the slice runs, with its cache outcome and status.
const tracing = recordedTracing();
const spanNamed = (name: string) => tracing.spans().filter((s) => s.name === name);

describe('CatalogEngine slice spans', () => {
  afterEach(() => tracing.reset());

  it('makes one span per slice under the active span; the provider is called inside it; a failed slice is an ERROR with its code', async () => {
    const seenBy: Record<string, string | undefined> = {};
    const a = new FakeProvider('a').answerWith(async (_ctx, call) => {
      seenBy.a = trace.getActiveSpan()?.spanContext().spanId;
      return catalogOf('a', call.tag);
    });
    const b = new FakeProvider('b').failWith(upstream('UPSTREAM_UNAVAILABLE', 'b'));
    const { engine } = buildEngine([a, b], { tracer: tracing.tracer });
    await tracing.tracer.startActiveSpan('request', async (request) => {
      await engine.slices(['a', 'b'], { bypassCache: false });
      request.end();
    });
    const [request] = spanNamed('request');
    const [sliceA] = spanNamed('slice a');
    const [sliceB] = spanNamed('slice b');
    expect([parentIdOf(sliceA), parentIdOf(sliceB)]).toEqual([request.spanContext().spanId, request.spanContext().spanId]);
    expect(seenBy.a).toBe(sliceA.spanContext().spanId);
    expect(sliceA.attributes).toEqual({ 'images.provider': 'a', 'images.slice.status': 'ok', 'images.cache': 'miss' });
    expect(sliceA.status.code).toBe(SpanStatusCode.UNSET);
    expect(sliceB.attributes).toEqual({ 'images.provider': 'b', 'images.slice.status': 'error', 'images.cache': 'miss', 'error.type': 'UPSTREAM_UNAVAILABLE' });
    expect(sliceB.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UPSTREAM_UNAVAILABLE' });

    tracing.reset();
    await engine.slices(['a'], { bypassCache: false });
    expect(spanNamed('slice a').map((s) => s.attributes['images.cache'])).toEqual(['hit']);
  });

  it('marks a slice that joined a fetch already under way as coalesced', async () => {
    const answer = deferred<void>();
    const a = new FakeProvider('a').answerWith(async (_ctx, call) => {
      await answer.promise;
      return catalogOf('a', call.tag);
    });
    const { engine } = buildEngine([a], { tracer: tracing.tracer });
    const both = engine.slices(['a', 'a'], { bypassCache: false });
    answer.resolve();
    await both;
    expect(a.calls).toHaveLength(1);
    expect(spanNamed('slice a').map((s) => s.attributes['images.coalesced'])).toEqual([undefined, true]);
  });

  it('without a tracer, records no span', async () => {
    const { engine } = buildEngine([new FakeProvider('a')]);
    await engine.slices(['a'], { bypassCache: false });
    expect(tracing.spans()).toEqual([]);
  });
});
