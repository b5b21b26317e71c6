import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/**
 * br or gzip when the caller accepts it (API.md section 3), for answers of a compressible type over 1 KiB, with
 * `Vary: Accept-Encoding`. Downloads (`application/octet-stream`) and small answers go as they are. Brotli at
 * @fastify/compress's quality 4: most of the gain for a fraction of the CPU of its maximum.
 */
export async function compressAnswers(fastify: FastifyInstance): Promise<void> {
  await fastify.register(compress, { global: true, encodings: ['br', 'gzip'], threshold: 1024, customTypes: COMPRESSIBLE });
}

/**
 * @fastify/compress's default types without `octet-stream`: its default would gzip every download (gigabytes of CPU)
 * and drop their Content-Length. Types it does not match fall back to mime-db's `compressible`.
 */
const COMPRESSIBLE = /^text\/(?!event-stream)|(?:\+|\/)json(?:;|$)|(?:\+|\/)text(?:;|$)|(?:\+|\/)xml(?:;|$)/u;
