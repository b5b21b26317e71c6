import { GatewayError, Image, Tracer } from '@images/core';
import type { CircuitStateName } from './circuits';

export interface EngineOptions {
  cacheTtlSeconds: number;
  cacheStaleSeconds: number;
  /** The whole budget of one provider's slice: every page and retry. */
  providerTimeoutMs: number;
  /** Consecutive failed fetches that open a provider's circuit. */
  circuitFailureThreshold: number;
  /** How long an open circuit answers at once before a trial call. */
  circuitHalfOpenAfterMs: number;
  /** Namespace of every cache key (e.g. per deployment or test run). */
  keyPrefix: string;
  /** A fresh catalog read after this share of its TTL is refreshed in the background (default 0.8). */
  refreshAheadRatio?: number;
  /** How long a fetch lease lasts unrenewed: a replica that dies mid-fetch blocks the others this long at most (default 2000). */
  leaseMs?: number;
  /**
   * How long a read of a stale (past TTL, inside the stale window) catalog waits for its refresh before the stale
   * catalog answers; the refresh goes on and lands in the cache. Unset: the whole budget.
   */
  staleWaitMs?: number;
  /** Set only while tracing is on: a span per provider slice. Absent: no span work at all. */
  tracer?: Tracer;
}

/**
 * How fresh this read's catalogs must be: the server's TTL and stale window, narrowed or widened by the caller's
 * RFC 9111 request directives (`refresh=true`, `Cache-Control: no-cache, max-age, max-stale, only-if-cached`).
 */
export interface ReadFreshness {
  /** Ask the vendor now (`refresh=true`, `no-cache`, `max-age=0`). */
  bypassCache: boolean;
  /** `max-age`: a catalog older than this is refreshed for this read (the server's TTL still bounds it). */
  maxAgeMs?: number;
  /**
   * `max-stale`: how far past its TTL a catalog may be served, instead of the stale window; one inside it is served
   * at once (the caller accepts it) while it is refreshed in the background. Infinity: any age the cache still holds.
   */
  maxStaleMs?: number;
  /** `only-if-cached`: never ask a vendor; a provider with nothing servable cached is an error slice. */
  onlyIfCached?: boolean;
}

export type SliceStatus = 'ok' | 'stale' | 'error';
export type CacheOutcome = 'hit' | 'miss' | 'stale' | 'bypass';

/** One provider's part of a list answer. */
export interface CatalogSlice {
  provider: string;
  status: SliceStatus;
  cache: CacheOutcome;
  /** Age of the catalog served; absent when nothing was served. */
  ageSeconds?: number;
  /** The served catalog's content version (catalogVersion); absent when nothing was served. */
  version?: string;
  images: Image[];
  latencyMs: number;
  error?: GatewayError;
}

/** One image looked up, and where from: the vendor's exact lookup, or the catalog slice that held it. */
export interface ImageLookup {
  image: Image | null;
  from: 'vendor' | CatalogSlice;
}

export interface ProviderState {
  id: string;
  displayName: string;
  capabilities: readonly string[];
  circuit: CircuitStateName;
  lastSuccessAt: string | null;
  lastError: { code: string; detail?: string; at: string } | null;
}

export interface EngineObserver {
  onSlice(slice: CatalogSlice): void;
  onCircuitChange(provider: string, state: CircuitStateName): void;
  /** A fetch that reached the provider (not a cache answer): its duration and outcome. */
  onFetch(provider: string, durationMs: number, error?: GatewayError): void;
  /**
   * This replica fetched a provider's catalog and stored it (a refresh, a refresh-ahead, the fetch after a write):
   * only the replica that fetched hears it, so a change is told once across the replicas.
   */
  onCatalogStored?(provider: string, images: readonly Image[]): void;
}
