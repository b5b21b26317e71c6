import { createHash } from 'node:crypto';
import { CatalogSlice, imageVersion } from '@images/catalog';
import { Image } from '@images/core';

/** The cache named in `Cache-Status` (RFC 9211). */
const CACHE_NAME = 'images-gateway';

/** How an answer may be cached and revalidated: its ETag, its RFC 9211 status, and how long it stays fresh. */
export interface AnswerCaching {
  etag: string;
  cacheStatus: string;
  /** `Cache-Control: private, max-age=N`; null (no header) on a partial answer or a detail looked up at the vendor. */
  maxAgeSeconds: number | null;
}

/**
 * A list answer's weak ETag: its normalised query and, per slice, provider, status, catalog version and error code.
 * The timing fields (`ageSeconds`, `latencyMs`) are left out, so a refresh that changed nothing keeps it.
 */
export function listEtag(query: readonly unknown[], slices: readonly CatalogSlice[]): string {
  const parts = slices.map((slice) => [slice.provider, slice.status, slice.version ?? null, slice.error?.code ?? null]);
  const named = JSON.stringify([query, parts]);
  // A hash object per request costs more than the rest of a 304: repeated inputs reuse their tag.
  let etag = recentEtags.get(named);
  if (etag === undefined) {
    etag = `W/"${createHash('sha256').update(named).digest('base64url').slice(0, 27)}"`;
    if (recentEtags.size >= MAX_RECENT_ETAGS) recentEtags.delete(recentEtags.keys().next().value as string);
    recentEtags.set(named, etag);
  }
  return etag;
}

/** Oldest out first; the inputs are bounded (validated queries, provider ids, versions), the count is bounded here. */
const MAX_RECENT_ETAGS = 1024;
const recentEtags = new Map<string, string>();

export function imageEtag(image: Image): string {
  return `W/"${imageVersion(image)}"`;
}

/** RFC 9110 13.1.2: `*`, or any listed tag equal to ours by weak comparison (the `W/` prefix ignored). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (typeof header !== 'string' || header.length === 0) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

/**
 * RFC 9211 for an answer made of slices: `hit` when every slice came from the cache (with the freshness left),
 * else why the vendor was asked: `request` (refresh=true, no-cache), `miss`, or `stale` (served stale).
 */
export function cacheStatus(slices: readonly CatalogSlice[], ttlSeconds: number, lookup?: 'vendor'): string {
  const outcomes = new Set(slices.map((slice) => slice.cache));
  // A detail the vendor can look up exactly is always asked for (fresh right after a write): the URI is not cached.
  if (lookup === 'vendor') return `${CACHE_NAME}; fwd=uri-miss`;
  if (outcomes.has('bypass')) return `${CACHE_NAME}; fwd=request`;
  if (outcomes.has('miss')) return `${CACHE_NAME}; fwd=miss`;
  if (outcomes.has('stale')) return `${CACHE_NAME}; fwd=stale`;
  return `${CACHE_NAME}; hit; ttl=${freshnessLeft(slices, ttlSeconds)}`;
}

/** Seconds until the first of the slices' catalogs passes its TTL; null when any slice is not ok (a partial answer). */
export function maxAgeSeconds(slices: readonly CatalogSlice[], ttlSeconds: number): number | null {
  if (slices.some((slice) => slice.status !== 'ok')) return null;
  return freshnessLeft(slices, ttlSeconds);
}

/** Whole seconds, rounded down: ages are floored, so one second less never promises a catalog past its TTL. */
function freshnessLeft(slices: readonly CatalogSlice[], ttlSeconds: number): number {
  return Math.max(0, Math.min(...slices.map((slice) => ttlSeconds - 1 - (slice.ageSeconds ?? ttlSeconds))));
}
