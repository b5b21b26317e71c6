import type { FastifyRequest } from 'fastify';
import type { ReadFreshness } from '@images/catalog';
import { GatewayError } from '@images/core';

/** RFC 9111 5.2.1: the request directives the gateway honours; the others are ignored, as caches do. */
export interface RequestCacheDirectives {
  noCache: boolean;
  onlyIfCached: boolean;
  maxAgeSeconds?: number;
  /** Infinity for a bare `max-stale` (any staleness). */
  maxStaleSeconds?: number;
}

// RFC 9111 1.2.2: a delta-seconds past 2^31 is taken as 2^31.
const LARGEST_DELTA_SECONDS = 2 ** 31;
const DELTA_SECONDS = /^(?:\d+|"\d+")$/;

/** The caller's `Cache-Control` directives; a known one with a malformed argument is a 400 naming it. */
export function requestCacheDirectives(header: string | undefined): RequestCacheDirectives {
  const directives: RequestCacheDirectives = { noCache: false, onlyIfCached: false };
  if (typeof header !== 'string') return directives;
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    const name = (separator < 0 ? part : part.slice(0, separator)).trim().toLowerCase();
    const argument = separator < 0 ? undefined : part.slice(separator + 1).trim();
    if (name === 'no-cache') directives.noCache = true;
    else if (name === 'only-if-cached') directives.onlyIfCached = true;
    // Repeated: the strictest wins.
    else if (name === 'max-age') directives.maxAgeSeconds = Math.min(directives.maxAgeSeconds ?? Infinity, deltaSeconds(name, argument));
    else if (name === 'max-stale') directives.maxStaleSeconds = Math.min(directives.maxStaleSeconds ?? Infinity, argument === undefined ? Infinity : deltaSeconds(name, argument));
  }
  return directives;
}

function deltaSeconds(name: string, argument: string | undefined): number {
  if (argument === undefined || !DELTA_SECONDS.test(argument)) {
    throw new GatewayError('VALIDATION_FAILED', {
      detail: `Cache-Control: ${name} takes a number of seconds`,
      errors: [{ field: 'Cache-Control', message: `${name} must be a whole number of seconds, as ${name}=60` }],
    });
  }
  return Math.min(Number(argument.replace(/"/g, '')), LARGEST_DELTA_SECONDS);
}

/** How fresh this read's catalogs must be: `refresh=true`, `no-cache` and `max-age=0` all ask the vendors now. */
export function readFreshness(directives: RequestCacheDirectives, refresh: boolean): ReadFreshness {
  const { noCache, onlyIfCached, maxAgeSeconds, maxStaleSeconds } = directives;
  return {
    bypassCache: refresh || noCache || maxAgeSeconds === 0,
    onlyIfCached,
    maxAgeMs: maxAgeSeconds === undefined ? undefined : maxAgeSeconds * 1000,
    maxStaleMs: maxStaleSeconds === undefined ? undefined : maxStaleSeconds * 1000,
  };
}

/**
 * A list that may make the gateway ask every vendor again (`refresh=true`, `no-cache`, or a `max-age` under the
 * TTL): counted as a write by the limits. Never throws: a malformed header is refused later, by the route.
 */
export function asksRefresh(request: FastifyRequest, ttlSeconds: number): boolean {
  const query = request.query as Record<string, unknown> | undefined;
  if (query?.refresh === 'true') return true;
  const cacheControl = request.headers['cache-control'];
  if (typeof cacheControl !== 'string') return false;
  try {
    const directives = requestCacheDirectives(cacheControl);
    return !directives.onlyIfCached && (directives.noCache || (directives.maxAgeSeconds ?? Infinity) < ttlSeconds);
  } catch {
    return false;
  }
}

/** RFC 7240 `Prefer: handling=strict`: the caller would rather have an error than a partial answer. */
export function prefersStrictHandling(header: string | undefined): boolean {
  if (typeof header !== 'string') return false;
  return header.split(',').some((preference) => /^\s*handling\s*=\s*"?strict"?\s*(;|$)/i.test(preference));
}
