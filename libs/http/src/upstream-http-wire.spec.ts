import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import axios from 'axios';
import { GatewayError } from '@images/core';
import { FakeAnswer, FakeUpstream, recordingDeps, startFakeUpstream } from '@images/testing';
import { upstreamAxiosConfig } from './axios-config';
import { UpstreamHttp } from './upstream-http';
import { UpstreamRequest, UpstreamResponse } from './upstream-types';

// What UpstreamHttp puts on the wire and hands back, against a real loopback server.
const answers = new Map<string, FakeAnswer>();

describe('UpstreamHttp on the wire', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream((request) => answers.get(request.path) ?? { body: { ok: true } });
  });
  afterAll(() => upstream.close());
  afterEach(() => answers.clear());

  const make = (baseUrl = upstream.url, extra: Partial<ConstructorParameters<typeof UpstreamHttp>[0]> = {}) => {
    const deps = recordingDeps();
    return { deps, http: new UpstreamHttp({ provider: 'p', baseUrl, observer: deps.observer, logger: deps.logger, maxSockets: 2, ...extra }) };
  };
  const request = (path: string, extra: Partial<UpstreamRequest> = {}): UpstreamRequest => ({ operation: 'op', method: 'GET', path, signal: AbortSignal.timeout(3000), ...extra });
  const seen = (http: UpstreamHttp, req: UpstreamRequest) => http.call(req, (response) => response);

  it('sends the query in order, RFC 3986-encoded, without undefined or null values', async () => {
    const { http } = make();
    await seen(http, request('/q', { query: [['b', 'x y'], ['a', "it's(1)*"], ['gone', undefined], ['nil', null], ['n', 0], ['f', false], ['k!', 'v']] }));
    expect(upstream.requests.at(-1)?.rawQuery).toBe('b=x%20y&a=it%27s%281%29%2A&n=0&f=false&k%21=v');
  });

  it('sends no query string when there is nothing to send', async () => {
    const { http } = make();
    await seen(http, request('/none', { query: [['gone', undefined]] }));
    await seen(http, request('/none2'));
    expect(upstream.requests.slice(-2).map((r) => r.rawQuery)).toEqual(['', '']);
    expect(UpstreamHttp.encodeQuery(undefined)).toBe('');
    expect(UpstreamHttp.encodeQuery([])).toBe('');
  });

  it('joins the base path and the request path with exactly one slash', async () => {
    expect(make(`${upstream.url}/v1/`).http.wirePath('/x')).toBe('/v1/x');
    expect(make(`${upstream.url}/v1//`).http.wirePath('x')).toBe('/v1/x');
    expect(make(upstream.url).http.wirePath('x/y')).toBe('/x/y');
    const { http } = make(`${upstream.url}/v1/`);
    await seen(http, request('images'));
    expect(upstream.requests.at(-1)?.path).toBe('/v1/images');
  });

  it('names the host exactly as the Host header carries it', async () => {
    const { http } = make(`${upstream.url}/v1`);
    expect(http.host).toBe(new URL(upstream.url).host);
    await seen(http, request('/h'));
    expect(upstream.requests.at(-1)?.headers.host).toBe(http.host);
  });

  it('sends the method, headers and exact body bytes', async () => {
    const { http } = make();
    await seen(http, request('/w', { method: 'PUT', headers: { 'X-Sig': 'abc', 'Content-Type': 'application/json' }, body: '{"b":1,"a":2}' }));
    expect(upstream.requests.at(-1)).toMatchObject({ method: 'PUT', body: '{"b":1,"a":2}' });
    expect(upstream.requests.at(-1)?.headers['x-sig']).toBe('abc');
  });

  it('hands the interpreter the raw text, its JSON when it is JSON, lower-case headers and a latency', async () => {
    answers.set('/json', { status: 201, headers: { 'X-Request-Id': 'r-1' }, body: ' {"big": 12345678901234567890} ' });
    answers.set('/text', { status: 200, body: 'plain words' });
    const { http } = make();
    const json: UpstreamResponse = await seen(http, request('/json'));
    expect(json).toMatchObject({ status: 201, text: ' {"big": 12345678901234567890} ', json: { big: 12345678901234567890 } });
    expect(json.headers['x-request-id']).toBe('r-1');
    expect(json.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(json.latencyMs)).toBe(true);
    const text = await seen(http, request('/text'));
    expect([text.text, text.json]).toEqual(['plain words', undefined]);
  });

  it('hands error statuses and redirects to the interpreter instead of following or throwing', async () => {
    answers.set('/moved', { status: 302, headers: { Location: '/elsewhere' }, body: '' });
    answers.set('/broken', { status: 500, body: { code: 'E' } });
    const { http } = make();
    expect((await seen(http, request('/moved'))).status).toBe(302);
    expect((await seen(http, request('/broken', { retry: false }))).status).toBe(500);
    expect(upstream.requests.some((r) => r.path === '/elsewhere')).toBe(false);
  });

  it('never sends vendor traffic through an environment proxy', async () => {
    const proxy = await startFakeUpstream(() => ({ status: 502, body: 'proxied' }));
    const saved = { http: process.env.http_proxy, HTTP: process.env.HTTP_PROXY };
    process.env.http_proxy = proxy.url;
    process.env.HTTP_PROXY = proxy.url;
    try {
      const { http } = make();
      expect((await seen(http, request('/direct'))).json).toEqual({ ok: true });
      const answer = await http.stream(request('/direct'), () => { throw new Error('no error answer expected'); });
      answer.body.resume();
      expect(proxy.requests).toHaveLength(0);
    } finally {
      process.env.http_proxy = saved.http;
      process.env.HTTP_PROXY = saved.HTTP;
      if (saved.http === undefined) delete process.env.http_proxy;
      if (saved.HTTP === undefined) delete process.env.HTTP_PROXY;
      await proxy.close();
    }
  });

  it('takes answers up to 32 MiB by default, and exactly maxResponseBytes when set', async () => {
    answers.set('/64k', { body: 'x'.repeat(64 * 1024) });
    answers.set('/100', { body: 'y'.repeat(100) });
    expect((await seen(make().http, request('/64k'))).text).toHaveLength(64 * 1024);
    const limited = make(upstream.url, { maxResponseBytes: 100 }).http;
    expect((await seen(limited, request('/100'))).text).toHaveLength(100);
    answers.set('/101', { body: 'y'.repeat(101) });
    await expect(seen(limited, request('/101'))).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', detail: 'p sent an oversized answer to op' });
  });

  it('streams the body undecoded, asking for identity unless the caller asks otherwise', async () => {
    const packed = gzipSync(Buffer.from('hello'));
    const encodings: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      encodings.push(req.headers['accept-encoding']);
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/octet-stream' }).end(packed);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { http } = make(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      for (const headers of [undefined, { 'Accept-Encoding': 'gzip' }]) {
        const answer = await http.stream(request('/gz', { headers }), () => { throw new Error('unexpected'); });
        const chunks: Buffer[] = [];
        for await (const chunk of answer.body) chunks.push(chunk as Buffer);
        expect(Buffer.concat(chunks).equals(packed)).toBe(true);
      }
      expect(encodings).toEqual(['identity', 'gzip']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('streams with the query, method and body like call, and treats only 2xx as a body', async () => {
    answers.set('/s299', { status: 299, body: 'ok' });
    answers.set('/s300', { status: 300, body: 'choose' });
    const { http } = make();
    const ok = await http.stream(request('/s299', { method: 'POST', body: 'b', query: [['a', 'b c']] }), () => { throw new Error('unexpected'); });
    ok.body.resume();
    expect(ok.status).toBe(299);
    expect(upstream.requests.at(-1)).toMatchObject({ method: 'POST', body: 'b', rawQuery: 'a=b%20c' });
    const translated: number[] = [];
    const translate = (response: UpstreamResponse) => { translated.push(response.status); return new GatewayError('UPSTREAM_ERROR', { provider: 'p' }); };
    await expect(http.stream(request('/s300'), translate)).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(translated).toEqual([300]);
  });

  it('a stream is not cut by the instance timeout once its answer has begun', async () => {
    const slow = await startFakeUpstream(async () => { await new Promise((r) => setTimeout(r, 150)); return { body: 'late but whole' }; });
    try {
      const deps = recordingDeps();
      const http = new UpstreamHttp({ provider: 'p', baseUrl: slow.url, observer: deps.observer, logger: deps.logger, maxSockets: 1, axios: axios.create(upstreamAxiosConfig({ maxSockets: 1, timeoutMs: 50 })) });
      const answer = await http.stream(request('/file'), () => { throw new Error('unexpected'); });
      const chunks: Buffer[] = [];
      for await (const chunk of answer.body) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('late but whole');
      // The same instance times an API call out.
      await expect(http.call(request('/api', { retry: false }), (r) => r)).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', detail: 'p timed out on op' });
    } finally {
      await slow.close();
    }
  });
});
