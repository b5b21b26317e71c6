import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { GatewayError, isRecord } from '@images/core';
import { FakeUpstream, recordingDeps, startFakeUpstream } from '@images/testing';
import { STREAM_ERROR_BODY_BYTES, UpstreamHttp, UpstreamResponse } from '.';

const MiB = 1024 * 1024;

/** A translator like a vendor's: the envelope's code decides, else the status. */
function translate(seen: UpstreamResponse[] = []) {
  return (response: UpstreamResponse): GatewayError => {
    seen.push(response);
    const code = isRecord(response.json) && typeof response.json.code === 'string' ? response.json.code : undefined;
    return new GatewayError(code === 'IMG.OperationFailed.DownloadNotAllowed' ? 'CONFLICT' : 'UPSTREAM_ERROR', { provider: 'p', upstream: { status: response.status, code } });
  };
}

async function drain(body: Readable): Promise<{ bytes: number; text: string }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    bytes += (chunk as Buffer).length;
    chunks.push(chunk as Buffer);
  }
  return { bytes, text: Buffer.concat(chunks).toString('utf8') };
}

const get = (path: string, extra: { headers?: Record<string, string>; signal?: AbortSignal } = {}) => ({
  operation: 'file', method: 'GET' as const, path, headers: extra.headers, signal: extra.signal ?? AbortSignal.timeout(10_000),
});

describe('UpstreamHttp.stream against the loopback fake upstream', () => {
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  const client = (url: string, deps = recordingDeps(), maxResponseBytes?: number) =>
    ({ deps, http: new UpstreamHttp({ provider: 'p', baseUrl: `${url}/prefix`, observer: deps.observer, logger: deps.logger, maxSockets: 2, maxResponseBytes }) });

  it('passes Range through and hands back the 206 with lower-case headers, asking for no compression', async () => {
    upstream = await startFakeUpstream((request) =>
      request.headers.range === 'bytes=0-9'
        ? { status: 206, headers: { 'Content-Range': 'bytes 0-9/100', 'Content-Length': '10', 'Accept-Ranges': 'bytes', 'ETag': '"e1"' }, body: '0123456789' }
        : { status: 200, body: 'x'.repeat(100) },
    );
    const { http: wrapper, deps } = client(upstream.url);
    const answer = await wrapper.stream(get('/img/file', { headers: { Range: 'bytes=0-9' } }), translate());

    expect(answer.status).toBe(206);
    expect(answer.headers).toMatchObject({ 'content-range': 'bytes 0-9/100', 'accept-ranges': 'bytes', etag: '"e1"', 'content-length': '10' });
    expect((await drain(answer.body)).text).toBe('0123456789');
    expect(upstream.requests[0]).toMatchObject({ method: 'GET', path: '/prefix/img/file' });
    expect(upstream.requests[0].headers['accept-encoding']).toBe('identity');
    expect(deps.events).toEqual([expect.objectContaining({ provider: 'p', operation: 'file', method: 'GET', httpStatus: 206, problemCode: undefined, cancelled: false })]);
  });

  it('has no size limit: a body far over maxResponseBytes streams whole', async () => {
    const payload = 'z'.repeat(MiB);
    upstream = await startFakeUpstream(() => ({ body: payload }));
    const { http: wrapper } = client(upstream.url, recordingDeps(), 1024);
    // The same wrapper refuses it as a buffered call.
    await expect(wrapper.call(get('/big'), (r) => r.text)).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' });
    const answer = await wrapper.stream(get('/big'), translate());
    expect((await drain(answer.body)).bytes).toBe(MiB);
  });

  it('translates a vendor error answer with the translator and records it, without retrying', async () => {
    upstream = await startFakeUpstream(() => ({ status: 400, body: { requestId: 'r1', code: 'IMG.OperationFailed.DownloadNotAllowed', message: 'no' } }));
    const { http: wrapper, deps } = client(upstream.url);
    const seen: UpstreamResponse[] = [];
    const failure = await wrapper.stream(get('/img/file'), translate(seen)).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ code: 'CONFLICT', upstream: { status: 400, code: 'IMG.OperationFailed.DownloadNotAllowed' } });
    expect(seen[0]).toMatchObject({ status: 400, json: { requestId: 'r1', code: 'IMG.OperationFailed.DownloadNotAllowed', message: 'no' } });
    expect(seen[0].headers['content-type']).toBe('application/json');
    expect(upstream.requests).toHaveLength(1);
    expect(deps.events).toEqual([expect.objectContaining({ httpStatus: 400, problemCode: 'CONFLICT', vendorCode: 'IMG.OperationFailed.DownloadNotAllowed' })]);
  });

  it('reads at most STREAM_ERROR_BODY_BYTES of an error answer', async () => {
    upstream = await startFakeUpstream(() => ({ status: 503, body: 'e'.repeat(4 * MiB) }));
    const { http: wrapper } = client(upstream.url);
    const seen: UpstreamResponse[] = [];
    await expect(wrapper.stream(get('/img/file'), translate(seen))).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', upstream: { status: 503 } });
    expect(seen[0].text.length).toBe(STREAM_ERROR_BODY_BYTES);
    expect(seen[0].json).toBeUndefined();
  });

  it('a translator that throws something else -> UPSTREAM_BAD_RESPONSE', async () => {
    upstream = await startFakeUpstream(() => ({ status: 500, body: 'oops' }));
    const { http: wrapper } = client(upstream.url);
    await expect(wrapper.stream(get('/img/file'), () => { throw new TypeError('boom'); })).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', upstream: { status: 500 } });
  });

  it('translates transport failures like call: reset -> UPSTREAM_UNAVAILABLE, budget -> UPSTREAM_TIMEOUT, caller gone -> cancelled', async () => {
    upstream = await startFakeUpstream((request) => (request.path.endsWith('/reset') ? { reset: true } : { hang: true }));
    const deps = recordingDeps();
    const { http: wrapper } = client(upstream.url, deps);
    await expect(wrapper.stream(get('/reset'), translate())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(deps.events.at(-1)).toMatchObject({ httpStatus: 0, problemCode: 'UPSTREAM_UNAVAILABLE' });

    await expect(wrapper.stream(get('/hang', { signal: AbortSignal.timeout(100) }), translate())).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(deps.events.at(-1)).toMatchObject({ httpStatus: 0, problemCode: 'UPSTREAM_TIMEOUT' });

    const caller = new AbortController();
    setTimeout(() => caller.abort(), 50);
    await expect(wrapper.stream(get('/hang', { signal: caller.signal }), translate())).rejects.toBeInstanceOf(GatewayError);
    expect(deps.events.at(-1)).toMatchObject({ cancelled: true, problemCode: undefined });
  });
});

/**
 * The fake upstream answers with whole strings, so the large body comes from a generator server here: it writes
 * only as fast as the socket drains, so neither side ever holds the body.
 */
describe('UpstreamHttp.stream with a 256 MiB body', () => {
  const CHUNK = 64 * 1024;
  const TOTAL = 256 * MiB;
  const block = Buffer.from(Array.from({ length: CHUNK }, (_, i) => (i * 7 + 3) % 256));
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(TOTAL) });
      let sent = 0;
      const pump = () => {
        while (sent < TOTAL) {
          sent += CHUNK;
          if (req.url?.endsWith('/cut') && sent > 8 * MiB) return void req.socket.destroy();
          if (!res.write(block)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('streams it through with memory growing by far less than the body', async () => {
    const deps = recordingDeps();
    const wrapper = new UpstreamHttp({ provider: 'p', baseUrl: url, observer: deps.observer, logger: deps.logger, maxSockets: 2 });
    const used = () => { const m = process.memoryUsage(); return m.heapUsed + m.external; };
    const baseline = used();
    let peak = 0;
    const sampler = setInterval(() => { peak = Math.max(peak, used() - baseline); }, 10);

    const answer = await wrapper.stream(get('/image.qcow2', { signal: AbortSignal.timeout(60_000) }), translate());
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of answer.body) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    clearInterval(sampler);
    peak = Math.max(peak, used() - baseline);

    const expected = createHash('sha256');
    for (let i = 0; i < TOTAL / CHUNK; i++) expected.update(block);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-length']).toBe(String(TOTAL));
    expect(bytes).toBe(TOTAL);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
    // Consumed chunks are garbage until a collection runs; holding the body would need all 256 MiB.
    expect(peak).toBeLessThan(TOTAL / 2);
    expect(deps.events).toEqual([expect.objectContaining({ httpStatus: 200, problemCode: undefined })]);
  }, 60_000);

  it('a body that breaks off after the headers errors the stream and is logged as such', async () => {
    const deps = recordingDeps();
    const wrapper = new UpstreamHttp({ provider: 'p', baseUrl: url, observer: deps.observer, logger: deps.logger, maxSockets: 2 });
    const answer = await wrapper.stream(get('/image.qcow2/cut'), translate());
    await expect(drain(answer.body)).rejects.toBeDefined();
    expect(deps.logLines.some((line) => line.includes('upstream stream broke off') && line.includes('"path":"/image.qcow2/cut"'))).toBe(true);
  });
});
