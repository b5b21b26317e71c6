import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { brotliCompress, constants, createBrotliCompress, createGzip, gzip } from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * br or gzip when the caller accepts it (API.md section 3), for answers of a compressible type over 1 KiB, with
 * `Vary: Accept-Encoding`. Downloads (`application/octet-stream`) and small answers go as they are. An answer that
 * repeats (a cached list page) is compressed once, by `compressedOnce`; the hook below does the rest. One onSend hook
 * with cheap early exits, instead of @fastify/compress's three hooks on every request (12% of a 304's CPU).
 */
export function compressAnswers(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : Buffer.isBuffer(payload) ? payload.length : payload instanceof Readable ? Infinity : 0;
    const encoding = chooseEncoding(request, reply, size);
    if (!encoding) return done(null, payload);
    reply.header('Content-Encoding', encoding).removeHeader('Content-Length');
    if (payload instanceof Readable) return done(null, payload.pipe(COMPRESS_STREAM[encoding]()));
    COMPRESS[encoding](payload as string | Buffer).then((bytes) => done(null, bytes), (error: Error) => done(error));
  });
}

export type Encoding = 'br' | 'gzip';
const ENCODINGS: Encoding[] = ['br', 'gzip'];
const THRESHOLD_BYTES = 1024;

// Brotli at quality 4 (@fastify/compress's choice): most of the gain for a fraction of the CPU of its maximum.
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };
const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const COMPRESS: Record<Encoding, (bytes: string | Buffer) => Promise<Buffer>> = {
  br: (bytes) => brotliAsync(bytes, BROTLI),
  gzip: (bytes) => gzipAsync(bytes),
};
const COMPRESS_STREAM: Record<Encoding, () => NodeJS.ReadWriteStream> = { br: () => createBrotliCompress(BROTLI), gzip: () => createGzip() };

/**
 * Types worth compressing: text, JSON and XML (not event streams, not `octet-stream`: a download would cost gigabytes
 * of CPU and lose its Content-Length).
 */
const COMPRESSIBLE = /^text\/(?!event-stream)|(?:\+|\/)(?:json|text|xml)(?:;|$)|^application\/javascript/u;

/**
 * The encoding for this answer, or null to send it as it is. A compressible answer over the threshold says
 * `Vary: Accept-Encoding` either way: its bytes depend on that header.
 */
function chooseEncoding(request: FastifyRequest, reply: FastifyReply, size: number): Encoding | null {
  if (size < THRESHOLD_BYTES || reply.statusCode === 204 || reply.statusCode === 304 || reply.hasHeader('content-encoding')) return null;
  const type = reply.getHeader('content-type');
  if (typeof type !== 'string' || !COMPRESSIBLE.test(type)) return null;
  addVary(reply, 'Accept-Encoding');
  const accepted = request.headers['accept-encoding'];
  return typeof accepted === 'string' ? (negotiate(accepted, ENCODINGS) as Encoding | null) : null;
}

function addVary(reply: FastifyReply, name: string): void {
  const vary = reply.getHeader('vary');
  if (vary === undefined) reply.header('Vary', name);
  else if (!String(vary).toLowerCase().split(/\s*,\s*/).some((token) => token === '*' || token === name.toLowerCase())) reply.header('Vary', `${vary}, ${name}`);
}

/** Per owner (a cached page, alive as long as the cache holds it): the last body and its compressed forms. */
const compressions = new WeakMap<object, { body: Buffer; encoded: Partial<Record<Encoding, Promise<Buffer>>> }>();

/**
 * The answer's bytes as the caller should get them: compressed when it accepts br or gzip, and then once per owner
 * and body, not once per request (the same page with the same sources is the same bytes). The hook leaves an answer
 * that names its encoding as it is.
 */
export async function compressedOnce(request: FastifyRequest, reply: FastifyReply, owner: object, body: Buffer): Promise<Buffer> {
  const encoding = chooseEncoding(request, reply, body.length);
  if (!encoding) return body;
  let entry = compressions.get(owner);
  if (!entry || (entry.body !== body && !entry.body.equals(body))) compressions.set(owner, (entry = { body, encoded: {} }));
  const encoded = await (entry.encoded[encoding] ??= COMPRESS[encoding](body));
  reply.header('Content-Encoding', encoding);
  return encoded;
}
