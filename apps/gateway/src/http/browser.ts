import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { CallersConfig } from '../config/callers-config';

/** Answers are data, never pages: they may load nothing and be framed by nobody. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** Swagger UI runs its own scripts and styles (some inline style attributes) and shows data: images. */
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** What a browser page may send and read, besides the CORS-safelisted headers. */
const REQUEST_HEADERS = ['Authorization', 'X-Api-Key', 'Content-Type', 'Idempotency-Key', 'If-None-Match', 'X-Request-Id'];
const EXPOSED_HEADERS = ['Location', 'ETag', 'X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'Idempotent-Replayed'];

export function isDocsPath(url: string): boolean {
  return url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?') || url.startsWith('/docs-json');
}

/**
 * Browser safety (API.md section 8): helmet's headers on every answer (`nosniff`, `Referrer-Policy: no-referrer`, a
 * CSP of `default-src 'none'`, the docs page a CSP that lets Swagger UI run); CORS for the allowed origins only, and
 * none at all without CORS_ORIGINS. Credentials travel in headers, never cookies, so no `Allow-Credentials`.
 */
export async function secureForBrowsers(fastify: FastifyInstance, callers: CallersConfig): Promise<void> {
  await fastify.register(helmet, {
    contentSecurityPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    // With CORS configured, CORS decides who may read an answer from another origin.
    crossOriginResourcePolicy: callers.corsOrigins.length > 0 ? false : { policy: 'same-origin' },
  });
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('Content-Security-Policy', isDocsPath(request.url) ? DOCS_CSP : API_CSP);
  });
  if (callers.corsOrigins.length === 0) return;
  const allowed = new Set(callers.corsOrigins);
  await fastify.register(cors, {
    // A function, not the list: for any other origin CORS is off for the request, so not one Access-Control-* header
    // is sent (with a list, @fastify/cors still sends the others, and answers every preflight).
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: REQUEST_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    // A preflight needs no route of its own and no credentials (it never carries them).
    preflight: true,
    strictPreflight: true,
  });
}
