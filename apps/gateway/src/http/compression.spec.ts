import { get } from 'node:http';
import { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify, { FastifyInstance } from 'fastify';
import { compressAnswers, compressedOnce } from './compression';

const BIG = JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => ({ id: `img-${i}`, name: `image number ${i}` })) });
const SMALL = JSON.stringify({ ok: true });

function fetchRaw(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('compression', () => {
  let server: FastifyInstance;
  let base: string;
  const page = { name: 'a cached page' };
  let pageBody = Buffer.from(BIG);
  const sentOnce: Buffer[] = [];

  beforeAll(async () => {
    server = Fastify();
    compressAnswers(server);
    server.get('/big', (_request, reply) => { reply.type('application/json; charset=utf-8').send(BIG); });
    server.get('/small', (_request, reply) => { reply.type('application/json; charset=utf-8').send(SMALL); });
    server.get('/download', (_request, reply) => { reply.type('application/octet-stream').send(Buffer.alloc(4096, 1)); });
    server.get('/stream', (_request, reply) => { reply.type('text/plain').send(Readable.from([BIG, BIG])); });
    server.get('/varied', (_request, reply) => { reply.header('Vary', 'Origin').type('application/problem+json').send(BIG); });
    server.get('/not-modified', (_request, reply) => { reply.code(304).type('application/json').send(BIG); });
    server.get('/page', async (request, reply) => {
      reply.type('application/json; charset=utf-8');
      const bytes = await compressedOnce(request, reply, page, pageBody);
      sentOnce.push(bytes);
      return bytes;
    });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(() => server.close());

  it.each([['br', 'br', brotliDecompressSync], ['gzip', 'gzip', gunzipSync], ['gzip;q=1, br;q=0', 'gzip', gunzipSync], ['*', 'br', brotliDecompressSync]] as const)(
    'compresses a JSON answer over 1 KiB for Accept-Encoding %s as %s, round trip exact, with Vary',
    async (accept, encoding, decode) => {
      const answer = await fetchRaw(`${base}/big`, { 'accept-encoding': accept });
      expect([answer.headers['content-encoding'], answer.headers.vary]).toEqual([encoding, 'Accept-Encoding']);
      expect(decode(answer.bytes).toString()).toBe(BIG);
      expect(answer.bytes.length).toBeLessThan(BIG.length / 2);
    },
  );

  it('sends as they are: an answer nobody asked to compress (but says Vary), a small one, a download, a 304', async () => {
    const plain = await fetchRaw(`${base}/big`, { 'accept-encoding': 'identity' });
    expect([plain.headers['content-encoding'], plain.headers.vary, plain.bytes.toString()]).toEqual([undefined, 'Accept-Encoding', BIG]);
    const small = await fetchRaw(`${base}/small`, { 'accept-encoding': 'br' });
    expect([small.headers['content-encoding'], small.headers.vary, small.bytes.toString()]).toEqual([undefined, undefined, SMALL]);
    const download = await fetchRaw(`${base}/download`, { 'accept-encoding': 'gzip' });
    expect([download.headers['content-encoding'], download.headers['content-length'], download.bytes.length]).toEqual([undefined, '4096', 4096]);
    const notModified = await fetchRaw(`${base}/not-modified`, { 'accept-encoding': 'gzip' });
    expect([notModified.status, notModified.headers['content-encoding'], notModified.bytes.length]).toEqual([304, undefined, 0]);
  });

  it('compresses a streamed text answer, and adds Accept-Encoding to a Vary that names something else', async () => {
    const streamed = await fetchRaw(`${base}/stream`, { 'accept-encoding': 'gzip' });
    expect([streamed.headers['content-encoding'], gunzipSync(streamed.bytes).toString()]).toEqual(['gzip', BIG + BIG]);
    const varied = await fetchRaw(`${base}/varied`, { 'accept-encoding': 'br' });
    expect([varied.headers.vary, brotliDecompressSync(varied.bytes).toString()]).toEqual(['Origin, Accept-Encoding', BIG]);
  });

  it('compresses a repeated answer once per owner and body: the same bytes object again, new ones for a new body', async () => {
    sentOnce.length = 0;
    const first = await fetchRaw(`${base}/page`, { 'accept-encoding': 'br' });
    await fetchRaw(`${base}/page`, { 'accept-encoding': 'br' });
    expect(sentOnce[1]).toBe(sentOnce[0]);
    expect(brotliDecompressSync(first.bytes).toString()).toBe(BIG);
    // The same page with other per-request parts (sources' ages) is another body: compressed again, and right.
    pageBody = Buffer.from(BIG.replace('image number 1"', 'image number one"'));
    const changed = await fetchRaw(`${base}/page`, { 'accept-encoding': 'br' });
    expect(sentOnce[2]).not.toBe(sentOnce[0]);
    expect(brotliDecompressSync(changed.bytes).toString()).toBe(pageBody.toString());
    // Not accepted: the body itself, uncompressed.
    const plain = await fetchRaw(`${base}/page`);
    expect([plain.headers['content-encoding'], plain.bytes.toString()]).toEqual([undefined, pageBody.toString()]);
  });
});
