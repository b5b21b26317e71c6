import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import axios from 'axios';
import { GatewayError } from '@images/core';
import { FakeAnswer, FakeUpstream, recordingDeps, startFakeUpstream } from '@images/testing';
import { httpStatusError, vendorCodeError } from './errors';
import { UpstreamHttp } from './upstream-http';
import { UpstreamDeps, UpstreamRequest, UpstreamResponse } from './upstream-types';

// What UpstreamHttp tells metrics and logs, and how it names each transport failure.
const scripts = new Map<string, FakeAnswer[]>();
const logs = (deps: ReturnType<typeof recordingDeps>) => deps.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('UpstreamHttp events, logs and failures', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream((request) => scripts.get(request.path)?.shift() ?? (request.path === '/hang' ? { hang: true } : { body: { ok: true } }));
  });
  afterAll(() => upstream.close());
  afterEach(() => scripts.clear());

  const make = (baseUrl = upstream.url) => {
    const deps = recordingDeps();
    return { deps, http: new UpstreamHttp({ provider: 'p', baseUrl, observer: deps.observer, logger: deps.logger, maxSockets: 2, retryPolicy: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 10 } }) };
  };
  const request = (path: string, extra: Partial<UpstreamRequest> = {}): UpstreamRequest => ({ operation: 'op', method: 'GET', path: `${path}`, signal: AbortSignal.timeout(3000), ...extra });
  const strict = (response: UpstreamResponse) => {
    if (response.status >= 300) throw httpStatusError('p', response);
    return response.json;
  };

  it('records a success with every field, and logs it at debug with its path but not its query', async () => {
    const { http, deps } = make();
    await http.call(request('/ok', { method: 'POST', retry: false, query: [['Signature', 'secret']] }), strict);
    expect(deps.events).toEqual([{ provider: 'p', operation: 'op', method: 'POST', httpStatus: 200, problemCode: undefined, cancelled: false, attempt: 1, vendorCode: undefined, unknownVendorCode: undefined, latencyMs: expect.any(Number) }]);
    expect(logs(deps)).toEqual([{ level: 'debug', msg: 'upstream call', provider: 'p', operation: 'op', method: 'POST', path: '/ok', httpStatus: 200, latencyMs: expect.any(Number) }]);
    expect(deps.logLines.join()).not.toContain('secret');
  });

  it("records a vendor's failure with its vendor code, and warns with the code", async () => {
    scripts.set('/denied', [{ status: 403, body: { code: 'Denied' } }]);
    const { http, deps } = make();
    const interpret = (response: UpstreamResponse) => { throw vendorCodeError('p', response, { code: 'Denied', problem: 'FORBIDDEN', mapped: false }); };
    await expect(http.call(request('/denied'), interpret)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(deps.events).toEqual([expect.objectContaining({ httpStatus: 403, problemCode: 'FORBIDDEN', vendorCode: 'Denied', unknownVendorCode: true, attempt: 1, cancelled: false })]);
    expect(logs(deps)).toEqual([{ level: 'warn', msg: 'upstream call failed', provider: 'p', operation: 'op', method: 'GET', path: '/denied', httpStatus: 403, latencyMs: expect.any(Number), code: 'FORBIDDEN', vendorCode: 'Denied' }]);
  });

  it('reports each retry with its delay and logs it at info, numbering the attempts', async () => {
    scripts.set('/flaky', [{ status: 503 }, { status: 502 }]);
    const { http, deps } = make();
    await expect(http.call(request('/flaky'), strict)).resolves.toEqual({ ok: true });
    expect(deps.retries).toEqual([
      { provider: 'p', operation: 'op', attempt: 1, problemCode: 'UPSTREAM_UNAVAILABLE', delayMs: expect.any(Number) },
      { provider: 'p', operation: 'op', attempt: 2, problemCode: 'UPSTREAM_UNAVAILABLE', delayMs: expect.any(Number) },
    ]);
    expect(deps.retries.every((r) => r.delayMs >= 0 && r.delayMs <= 10)).toBe(true);
    expect(deps.events.map((e) => [e.attempt, e.httpStatus])).toEqual([[1, 503], [2, 502], [3, 200]]);
    expect(logs(deps).filter((line) => line.level === 'info')).toEqual([
      { level: 'info', msg: 'retrying upstream read', provider: 'p', operation: 'op', attempt: 1, code: 'UPSTREAM_UNAVAILABLE', delayMs: deps.retries[0].delayMs },
      { level: 'info', msg: 'retrying upstream read', provider: 'p', operation: 'op', attempt: 2, code: 'UPSTREAM_UNAVAILABLE', delayMs: deps.retries[1].delayMs },
    ]);
  });

  it('does not retry a GET that opts out', async () => {
    scripts.set('/once', [{ status: 503 }]);
    const { http, deps } = make();
    await expect(http.call(request('/once', { retry: false }), strict)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(deps.retries).toEqual([]);
  });

  it('does not retry once the signal has aborted, even for a retryable failure', async () => {
    scripts.set('/gone', [{ status: 503 }]);
    const { http, deps } = make();
    const caller = new AbortController();
    const interpret = (response: UpstreamResponse) => { caller.abort(); return strict(response); };
    await expect(http.call(request('/gone', { signal: caller.signal }), interpret)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(deps.retries).toEqual([]);
  });

  it("turns an interpreter's own crash into a final UPSTREAM_BAD_RESPONSE naming the call", async () => {
    const { http, deps } = make();
    await expect(http.call(request('/ok'), () => { throw new RangeError('odd'); })).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', upstream: { status: 200 }, detail: 'p answered op with something the gateway could not read' });
    expect(deps.retries).toEqual([]);
    expect(deps.events).toEqual([expect.objectContaining({ httpStatus: 200, problemCode: 'UPSTREAM_BAD_RESPONSE' })]);
  });

  it('names a refused connection UPSTREAM_UNAVAILABLE with its code, recorded with status 0', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const { http, deps } = make(`http://127.0.0.1:${port}`);
    const failure = await http.call(request('/x', { retry: false }), strict).catch((e: unknown) => e as GatewayError);
    expect(failure).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'p', detail: 'p could not be reached for op (ECONNREFUSED)' });
    expect(deps.events).toEqual([expect.objectContaining({ httpStatus: 0, problemCode: 'UPSTREAM_UNAVAILABLE', attempt: 1 })]);
    expect(logs(deps)).toEqual([expect.objectContaining({ level: 'warn', msg: 'upstream call failed', httpStatus: 0, code: 'UPSTREAM_UNAVAILABLE' })]);
  });

  it("names an axios timeout UPSTREAM_TIMEOUT whichever code axios gives it", async () => {
    for (const clarifyTimeoutError of [false, true]) {
      const deps = recordingDeps();
      const instance = axios.create({ timeout: 40, transitional: { clarifyTimeoutError } });
      const http = new UpstreamHttp({ provider: 'p', baseUrl: upstream.url, observer: deps.observer, logger: deps.logger, maxSockets: 1, axios: instance });
      await expect(http.call(request('/hang', { retry: false }), strict)).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', detail: 'p timed out on op' });
    }
  });

  it('names a failure without a socket code UPSTREAM_UNAVAILABLE, "connection failed"', async () => {
    const deps = recordingDeps();
    const instance = axios.create();
    instance.interceptors.request.use(() => { throw new Error('no route'); });
    const http = new UpstreamHttp({ provider: 'p', baseUrl: upstream.url, observer: deps.observer, logger: deps.logger, maxSockets: 1, axios: instance });
    await expect(http.call(request('/x', { retry: false }), strict)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', detail: 'p could not be reached for op (connection failed)' });
  });

  it('names a budget that ran out UPSTREAM_TIMEOUT, and a caller that left a cancelled call, logged at debug', async () => {
    const { http, deps } = make();
    await expect(http.call(request('/hang', { signal: AbortSignal.timeout(50) }), strict)).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', detail: 'p did not answer op within the time budget' });
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 30);
    const cancelled = await http.call(request('/hang', { signal: caller.signal }), strict).catch((e: unknown) => e as GatewayError);
    expect(cancelled).toMatchObject({ code: 'UPSTREAM_ERROR', provider: 'p', detail: 'op was cancelled' });
    expect(deps.events.map((e) => [e.httpStatus, e.problemCode, e.cancelled])).toEqual([[0, 'UPSTREAM_TIMEOUT', false], [0, undefined, true]]);
    expect(logs(deps).at(-1)).toEqual({ level: 'debug', msg: 'upstream call', provider: 'p', operation: 'op', method: 'GET', path: '/hang', httpStatus: 0, latencyMs: expect.any(Number), cancelled: true });
    expect(deps.retries).toEqual([]);
  });

  it('names a stream the caller left cancelled too', async () => {
    const { http, deps } = make();
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 30);
    await expect(http.stream(request('/hang', { signal: caller.signal }), () => new GatewayError('UPSTREAM_ERROR', { provider: 'p' }))).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', detail: 'op was cancelled' });
    expect(deps.events.at(-1)).toMatchObject({ httpStatus: 0, cancelled: true, attempt: 1, method: 'GET' });
  });
});

describe('UpstreamHttp.forProvider', () => {
  it("runs on the vendor module's axios instance, with a pool of at least one socket", async () => {
    let inFlight = 0;
    let peak = 0;
    const upstream = await startFakeUpstream(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return { body: { ok: true } };
    });
    try {
      const recorded = recordingDeps(0);
      const instance = axios.create();
      const seen: string[] = [];
      instance.interceptors.request.use((config) => { seen.push(String(config.url)); return config; });
      const deps: UpstreamDeps = { ...recorded, axios: instance };
      const http = UpstreamHttp.forProvider('acme', `${upstream.url}/api`, deps);
      await http.call({ operation: 'op', method: 'GET', path: '/one', signal: AbortSignal.timeout(2000) }, (r) => r.json);
      expect(seen).toEqual([`${upstream.url}/api/one`]);
      expect(recorded.events[0]).toMatchObject({ provider: 'acme' });

      const own = UpstreamHttp.forProvider('acme', upstream.url, recorded);
      await Promise.all([1, 2, 3].map(() => own.call({ operation: 'op', method: 'GET', path: '/p', signal: AbortSignal.timeout(2000) }, (r) => r.json)));
      expect(peak).toBe(1);
    } finally {
      await upstream.close();
    }
  });
});

describe('UpstreamHttp.stream body that ends early', () => {
  it('logs a body the caller stopped as cancelled at debug, not as broken off', async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(16));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const deps = recordingDeps();
      const http = new UpstreamHttp({ provider: 'p', baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`, observer: deps.observer, logger: deps.logger, maxSockets: 1 });
      const leaving = new AbortController();
      const answer = await http.stream({ operation: 'file', method: 'GET', path: '/f', signal: leaving.signal }, () => new GatewayError('UPSTREAM_ERROR', { provider: 'p' }));
      const failed = new Promise((resolve) => answer.body.on('error', resolve));
      answer.body.resume();
      leaving.abort();
      await failed;
      expect(logs(deps).filter((line) => String(line.msg).startsWith('upstream stream'))).toEqual([
        { level: 'debug', msg: 'upstream stream cancelled', provider: 'p', operation: 'file', method: 'GET', path: '/f', reason: 'ERR_CANCELED' },
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
