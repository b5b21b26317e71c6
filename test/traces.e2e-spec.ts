import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { GatewayTracing } from '../apps/gateway/src/tracing/tracing';
import { parentIdOf, recordedTracing, startFakeUpstream } from './support';
import { spawnGateway } from './support/processes';
import { getJson, simEnv, startGateway } from './support/stack';
import { eventually, useSim } from './support/suite-setup';

// Traces (issue 12): the span tree of one fan-out with a failed slice, the caller's traceparent joined and carried to
// the vendor; nothing at all with tracing off; OTLP export to a collector when OTEL_EXPORTER_OTLP_ENDPOINT is set.

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`;

/** A pass-through proxy in front of one simulated vendor that keeps the headers each request arrived with. */
async function recordingProxy(target: string): Promise<{ url: string; headers: Array<Record<string, unknown>>; close(): Promise<void> }> {
  const headers: Array<Record<string, unknown>> = [];
  const server: Server = createServer((req, res) => {
    headers.push({ ...req.headers });
    const onward = httpRequest(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    onward.on('error', () => res.destroy());
    req.pipe(onward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    headers,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const accessLine = (logs: string[]) => logs.map((line) => JSON.parse(line)).find((line) => line.msg === 'request' && line.route === '/images');

describe('traces', () => {
  const suite = useSim();
  let didi: Awaited<ReturnType<typeof recordingProxy>>;
  beforeAll(async () => {
    didi = await recordingProxy(suite.sim.urls.didi);
  });
  afterAll(() => didi.close());
  afterEach(async () => {
    await suite.admin.clearFaults();
    didi.headers.length = 0;
  });

  it('one fan-out: a SERVER span under the caller\'s, a span per provider slice, upstream CLIENT spans under their slice, the failed slice an ERROR', async () => {
    const tracing = recordedTracing();
    const gateway = await startGateway(suite.sim, { redis: false, env: { DIDI_ENDPOINT: didi.url }, spanProcessor: tracing.processor });
    try {
      await suite.admin.fault('huawei', { kind: 'status', httpStatus: 500 });
      const { status, body } = await getJson(`${gateway.url}/images?limit=5`, { traceparent: TRACEPARENT, 'x-request-id': 'trace-req-1' });
      expect(status).toBe(200);
      const failedCode = body.sources.find((s: { provider: string }) => s.provider === 'huawei').error.code;

      const spans = await eventually(async () => tracing.spans(), (all) => all.some((s) => s.kind === SpanKind.SERVER));
      expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([TRACE_ID]));
      const [server, ...otherServers] = spans.filter((s) => s.kind === SpanKind.SERVER);
      expect(otherServers).toEqual([]);
      expect(server.name).toBe('GET /images');
      expect(parentIdOf(server)).toBe(CALLER_SPAN_ID);
      expect(server.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.route': '/images', 'url.path': '/images', 'http.response.status_code': 200, 'images.request_id': 'trace-req-1' });

      const slices = spans.filter((s) => s.name.startsWith('slice '));
      const sliceOf = (provider: string) => slices.find((s) => s.attributes['images.provider'] === provider)!;
      expect(slices.map((s) => s.attributes['images.provider']).sort()).toEqual(['cecstack', 'didi', 'huawei', 'ucloud']);
      for (const slice of slices) expect(parentIdOf(slice)).toBe(server.spanContext().spanId);
      expect(sliceOf('didi').attributes).toMatchObject({ 'images.slice.status': 'ok', 'images.cache': 'miss' });
      expect(sliceOf('huawei').attributes).toMatchObject({ 'images.slice.status': 'error', 'error.type': failedCode });
      expect(sliceOf('huawei').status).toEqual({ code: SpanStatusCode.ERROR, message: failedCode });

      const calls = spans.filter((s) => s.kind === SpanKind.CLIENT);
      const parentOf = (call: ReadableSpan) => slices.find((s) => s.spanContext().spanId === parentIdOf(call));
      for (const call of calls) expect(parentOf(call)?.attributes['images.provider']).toBe(call.attributes['images.provider']);
      const huaweiCalls = calls.filter((s) => s.attributes['images.provider'] === 'huawei');
      expect(huaweiCalls.length).toBeGreaterThanOrEqual(2);
      expect(huaweiCalls.map((s) => s.attributes['images.attempt'])).toEqual(huaweiCalls.map((_, i) => i + 1));
      expect(huaweiCalls.every((s) => s.status.code === SpanStatusCode.ERROR && s.attributes['http.response.status_code'] === 500)).toBe(true);
      expect(new Set(calls.map((s) => s.attributes['images.provider']))).toEqual(new Set(['didi', 'huawei', 'ucloud', 'cecstack']));

      // The vendor heard the trace: each request carried the traceparent of its own CLIENT span.
      const didiSpanIds = calls.filter((s) => s.attributes['images.provider'] === 'didi').map((s) => s.spanContext().spanId);
      expect(didi.headers.length).toBe(didiSpanIds.length);
      expect(didi.headers.map((h) => h.traceparent)).toEqual(didiSpanIds.map((id) => `00-${TRACE_ID}-${id}-01`));

      // No credential in any span: the simulator's keys and tokens are the gateway's configured secrets.
      const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.status, s.events]));
      for (const secret of Object.values(suite.sim.credentials)) expect(everything).not.toContain(String(secret));

      expect(accessLine(gateway.logs)).toMatchObject({ traceId: TRACE_ID, spanId: server.spanContext().spanId });

      // The traceparent is added after signing: every vendor (Huawei's AK/SK and UCloud's signatures too) still accepts the calls.
      await suite.admin.clearFaults();
      const again = await getJson(`${gateway.url}/images?limit=5&refresh=true`, { traceparent: TRACEPARENT });
      expect(again.body.sources.map((s: { provider: string; status: string }) => [s.provider, s.status])).toEqual(['didi', 'huawei', 'ucloud', 'cecstack'].map((p) => [p, 'ok']));
    } finally {
      await gateway.close();
    }
  });

  it('off (no OTEL_EXPORTER_OTLP_ENDPOINT): no span anywhere, no traceparent to vendors, the caller\'s trace id still in the access line', async () => {
    // A recording provider registered globally: a span made through the API's global tracer would land here.
    const tracing = recordedTracing();
    trace.setGlobalTracerProvider({ getTracer: () => tracing.tracer });
    const gateway = await startGateway(suite.sim, { redis: false, env: { DIDI_ENDPOINT: didi.url } });
    try {
      expect(gateway.app.app.get(GatewayTracing).enabled).toBe(false);
      const { status } = await getJson(`${gateway.url}/images?limit=5`, { traceparent: TRACEPARENT });
      expect(status).toBe(200);
      expect(didi.headers.length).toBeGreaterThan(0);
      expect(didi.headers.every((h) => h.traceparent === undefined)).toBe(true);
      const line = await eventually(async () => accessLine(gateway.logs), (found) => found !== undefined);
      expect(line.traceId).toBe(TRACE_ID);
      expect(line.spanId).toBeUndefined();
      expect(tracing.spans()).toEqual([]);
    } finally {
      trace.disable();
      await gateway.close();
    }
  });

  it('exports over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (the built gateway): every span reaches the collector by shutdown', async () => {
    // Its own process: the exporter loads its HTTP transport by a dynamic import() that jest's module sandbox refuses.
    const collector = await startFakeUpstream(() => ({ body: {} }));
    try {
      const gateway = await spawnGateway({ ...simEnv(suite.sim), OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.url}/`, SHUTDOWN_DELAY_MS: '0' });
      expect((await getJson(`${gateway.url}/images?limit=1&provider=didi`, { traceparent: TRACEPARENT })).status).toBe(200);
      expect(await gateway.kill('SIGTERM')).toBe(0);
      const posts = collector.requests.filter((r) => r.method === 'POST' && r.path === '/v1/traces');
      expect(posts.length).toBeGreaterThan(0);
      const exported = posts.map((r) => r.body).join('\n');
      for (const expected of [TRACE_ID, '"images-gateway"', 'GET /images', 'slice didi', 'images.attempt']) expect(exported).toContain(expected);
      expect(accessLine(gateway.lines)).toMatchObject({ traceId: TRACE_ID, spanId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    } finally {
      await collector.close();
    }
  });

  it('a hung collector neither slows the answers nor holds the shutdown past its 2 s flush', async () => {
    const collector = await startFakeUpstream(() => ({ hang: true }));
    try {
      const gateway = await spawnGateway({ ...simEnv(suite.sim), OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, SHUTDOWN_DELAY_MS: '0' });
      expect((await getJson(`${gateway.url}/images?limit=1&provider=didi`)).status).toBe(200);
      const started = Date.now();
      expect(await gateway.kill('SIGTERM')).toBe(0);
      expect(Date.now() - started).toBeLessThan(6000);
      expect(collector.requests.length).toBeGreaterThan(0);
    } finally {
      await collector.close();
    }
  });
});
