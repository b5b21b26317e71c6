import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { CallersConfig } from '../config/callers-config';

/** Answers are data, never pages: they may load nothing and be framed by nobody. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** Swagger UI runs its own scripts and styles (some inline style attributes) and shows data: images. */
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** The browser headers of an answer made outside the hooks (a request the parser or the router refused). */
export const BARE_ANSWER_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': API_CSP,
};

/** What a browser page may send and read, besides the CORS-safelisted headers. */
const REQUEST_HEADERS = ['Authorization', 'X-Api-Key', 'Content-Type', 'Idempotency-Key', 'If-None-Match', 'X-Request-Id', 'Cache-Control', 'Prefer'];
const EXPOSED_HEADERS = ['Location', 'ETag', 'X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'Idempotent-Replayed', 'Cache-Status', 'Preference-Applied'];

/**
 * Whether a request is for Swagger UI or the document, by the route Fastify matched (after decoding the URL, so
 * `/%64ocs-json` is `/docs-json` here too), not by the raw URL.
 */
export function isDocsRoute(request: FastifyRequest): boolean {
  const route = request.routeOptions?.url;
  return route !== undefined && (route === '/docs' || route.startsWith('/docs/') || route.startsWith('/docs-'));
}

/**
 * helmet's headers for `options`, taken once. Without a CSP (set per path below) they are the same on every answer;
 * @fastify/helmet would build helmet's whole middleware again on every request and set them one by one.
 */
export function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => void (headers[name] = value),
    removeHeader: (name: string) => void delete headers[name],
  };
  helmet({ ...options, contentSecurityPolicy: false })({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return Object.freeze(headers);
}

/**
 * Browser safety (API.md section 8): helmet's headers on every answer (`nosniff`, `Referrer-Policy: no-referrer`, a
 * CSP of `default-src 'none'`, the docs page a CSP that lets Swagger UI run); CORS for the allowed origins only, and
 * none at all without CORS_ORIGINS. Credentials travel in headers, never cookies, so no `Allow-Credentials`.
 */
export async function secureForBrowsers(fastify: FastifyInstance, callers: CallersConfig): Promise<void> {
  const constant = helmetHeaders({
    referrerPolicy: { policy: 'no-referrer' },
    // With CORS configured, CORS decides who may read an answer from another origin.
    crossOriginResourcePolicy: callers.corsOrigins.length > 0 ? false : { policy: 'same-origin' },
  });
  const apiHeaders = { ...constant, 'Content-Security-Policy': API_CSP };
  const docsHeaders = { ...constant, 'Content-Security-Policy': DOCS_CSP };
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(isDocsRoute(request) ? docsHeaders : apiHeaders);
    done();
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
    // A preflight needs no route of its own and no credentials (it never carries them). An OPTIONS that is not a
    // preflight goes on to the routes (a 404 problem), rather than a plain-text 400.
    preflight: true,
    strictPreflight: false,
  });
}
