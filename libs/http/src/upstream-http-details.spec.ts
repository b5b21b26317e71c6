import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { GatewayError } from '@images/core';
import { FakeAnswer, FakeUpstream, recordingDeps, startFakeUpstream } from '@images/testing';
import { httpStatusError } from './errors';
import { UpstreamHttp } from './upstream-http';
import { UpstreamRequest, UpstreamResponse } from './upstream-types';

// The details of UpstreamHttp a metric, a log line or a caller relies on: latencies that are durations, retries
// reported only to observers that listen, a stream translator's own error kept, the pool sized for concurrency.

const request = (path: string, extra: Partial<UpstreamRequest> = {}): UpstreamRequest => ({ operation: 'op', method: 'GET', path, signal: AbortSignal.timeout(3000), ...extra });
const strict = (response: UpstreamResponse) => {
  if (response.status >= 300) throw httpStatusError('p', response);
  return response;
};

describe('UpstreamHttp details', () => {
  let upstream: FakeUpstream | undefined;
  const scripts = new Map<string, FakeAnswer[]>();
  const start = async () => (upstream = await startFakeUpstream((r) => scripts.get(r.path)?.shift() ?? { body: { ok: true } }));
  afterEach(async () => {
    scripts.clear();
    await upstream?.close();
    upstream = undefined;
  });
  const make = (url: string, deps = recordingDeps()) =>
    ({ deps, http: new UpstreamHttp({ provider: 'p', baseUrl: url, observer: deps.observer, logger: deps.logger, maxSockets: 2, retryPolicy: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } }) });

  it('measures latencies as durations: never longer than the call took', async () => {
    const { url } = await start();
    const { http, deps } = make(url);
    const before = performance.now();
    const response = await http.call(request('/ok'), strict);
    const took = performance.now() - before;
    expect(response.latencyMs).toBeLessThanOrEqual(Math.ceil(took));
    expect(deps.events[0].latencyMs).toBeLessThanOrEqual(Math.ceil(took));

    scripts.set('/broken', [{ status: 500, body: 'down' }]);
    const seen: UpstreamResponse[] = [];
    const streamStarted = performance.now();
    await expect(http.stream(request('/broken'), (r) => (seen.push(r), new GatewayError('UPSTREAM_ERROR', { provider: 'p' })))).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(seen[0].latencyMs).toBeLessThanOrEqual(Math.ceil(performance.now() - streamStarted));
  });

  it('retries for an observer that does not listen to retries', async () => {
    const { url } = await start();
    scripts.set('/flaky', [{ status: 503 }]);
    const events: unknown[] = [];
    const deps = recordingDeps();
    const http = new UpstreamHttp({ provider: 'p', baseUrl: url, observer: { onUpstreamCall: (e) => events.push(e) }, logger: deps.logger, maxSockets: 2, retryPolicy: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } });
    expect((await http.call(request('/flaky'), strict)).status).toBe(200);
    expect(events).toHaveLength(2);
  });

  it("keeps the GatewayError a stream translator throws, and calls any other throw a bad response naming the call", async () => {
    const { url } = await start();
    scripts.set('/a', [{ status: 404, body: 'x' }]);
    scripts.set('/b', [{ status: 404, body: 'x' }]);
    const { http } = make(url);
    const own = new GatewayError('NOT_FOUND', { provider: 'p', detail: 'no such file' });
    await expect(http.stream(request('/a', { operation: 'file' }), () => { throw own; })).rejects.toBe(own);
    await expect(http.stream(request('/b', { operation: 'file' }), () => { throw new TypeError('boom'); })).rejects.toMatchObject({
      code: 'UPSTREAM_BAD_RESPONSE', detail: 'p answered file with something the gateway could not read', upstream: { status: 404 },
    });
  });
});

describe('UpstreamHttp on an answer that breaks off', () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('calls a body cut short a vendor that could not be reached, not an oversized answer (axios says ERR_BAD_RESPONSE for both)', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"items":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const deps = recordingDeps();
    const http = new UpstreamHttp({ provider: 'p', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, observer: deps.observer, logger: deps.logger, maxSockets: 1, retryPolicy: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } });
    await expect(http.call(request('/'), strict)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', detail: 'p could not be reached for op (ERR_BAD_RESPONSE)' });
  });
});

describe('UpstreamHttp.forProvider', () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('opens as many sockets as the provider may have requests at once', async () => {
    // Answers only once two requests are in: one socket would wait for ever.
    const waiting: ServerResponse[] = [];
    server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      waiting.push(res);
      if (waiting.length === 2) for (const r of waiting) r.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http = UpstreamHttp.forProvider('p', url, recordingDeps(2));
    const answers = await Promise.all([http.call(request('/1', { signal: AbortSignal.timeout(2000) }), strict), http.call(request('/2', { signal: AbortSignal.timeout(2000) }), strict)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
  });
});
