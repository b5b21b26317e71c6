import type { FastifyRequest } from 'fastify';

const NO_CACHE = /(^|,)\s*no-cache\s*(,|$)/i;

/** `Cache-Control: no-cache`: the caller asks for a catalog fetched now, as `refresh=true` does. */
export function asksNoCache(cacheControl: string | undefined): boolean {
  return typeof cacheControl === 'string' && NO_CACHE.test(cacheControl);
}

/** A list that makes the gateway ask every vendor again (`refresh=true` or `Cache-Control: no-cache`). */
export function asksRefresh(request: FastifyRequest): boolean {
  const query = request.query as Record<string, unknown> | undefined;
  const cacheControl = request.headers['cache-control'];
  return query?.refresh === 'true' || asksNoCache(typeof cacheControl === 'string' ? cacheControl : undefined);
}
