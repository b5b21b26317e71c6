import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { GatewayError, Image, ImageProvider, ProviderLogger, isGatewayError } from '@images/core';
import { CachedCatalog, CatalogStore, errorMessage } from './catalog-store';

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
  images: Image[];
  latencyMs: number;
  error?: GatewayError;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open';

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
}

interface ProviderRuntime {
  provider: ImageProvider;
  breaker: CircuitBreakerPolicy;
  lastSuccessAt: number | null;
  lastError: { code: string; detail?: string; at: number } | null;
}

/**
 * The fan-out engine: every selected provider at once, each behind the cache, one in-flight fetch per catalog,
 * a circuit breaker and its own deadline. One provider's failure only ever marks its own slice.
 */
export class CatalogEngine {
  private readonly runtimes = new Map<string, ProviderRuntime>();
  private readonly inFlight = new Map<string, Promise<CachedCatalog>>();

  constructor(
    providers: readonly ImageProvider[],
    private readonly store: CatalogStore,
    private readonly options: EngineOptions,
    private readonly observer: EngineObserver,
    private readonly logger: ProviderLogger,
  ) {
    for (const provider of providers) {
      const breaker = circuitBreaker(
        // Only upstream trouble trips a circuit; a vendor's "not found" or "invalid parameter" is an answer.
        handleWhen((error) => !isGatewayError(error) || countsAgainstCircuit(error)),
        { halfOpenAfter: options.circuitHalfOpenAfterMs, breaker: new ConsecutiveBreaker(options.circuitFailureThreshold) },
      );
      breaker.onStateChange((state) => observer.onCircuitChange(provider.id, circuitStateName(state)));
      this.runtimes.set(provider.id, { provider, breaker, lastSuccessAt: null, lastError: null });
    }
  }

  get providerIds(): string[] {
    return [...this.runtimes.keys()];
  }

  provider(id: string): ImageProvider | undefined {
    return this.runtimes.get(id)?.provider;
  }

  states(): ProviderState[] {
    return [...this.runtimes.values()].map(({ provider, breaker, lastSuccessAt, lastError }) => ({
      id: provider.id,
      displayName: provider.displayName,
      capabilities: provider.capabilities,
      circuit: circuitStateName(breaker.state),
      lastSuccessAt: lastSuccessAt === null ? null : new Date(lastSuccessAt).toISOString(),
      lastError: lastError === null ? null : { ...lastError, at: new Date(lastError.at).toISOString() },
    }));
  }

  /** Every selected provider's slice, in the order asked. Never rejects. */
  async slices(providerIds: readonly string[], options: { bypassCache: boolean }): Promise<CatalogSlice[]> {
    return Promise.all(providerIds.map((id) => this.slice(id, options.bypassCache)));
  }

  /**
   * After a successful write: the provider's cached catalog is dropped here, in Redis and in every replica's
   * memory, so the next list asks the vendor again (read-your-writes).
   */
  async invalidate(providerId: string): Promise<void> {
    const runtime = this.runtimes.get(providerId);
    if (!runtime) return;
    const key = this.cacheKey(runtime.provider);
    // A fetch already in flight may have read the vendor before the write: it must not answer later callers.
    this.inFlight.delete(key);
    await this.store.delete(key);
  }

  cacheKey(provider: ImageProvider): string {
    return `${this.options.keyPrefix}catalog:v1:${provider.id}:${provider.accountScope}`;
  }

  private async slice(providerId: string, bypassCache: boolean): Promise<CatalogSlice> {
    const started = performance.now();
    // The budget covers the whole slice, cache reads included: a slow Redis must not stretch it.
    const deadline = started + this.options.providerTimeoutMs;
    const runtime = this.runtimes.get(providerId);
    if (!runtime) throw new Error(`unknown provider ${providerId}`);
    const key = this.cacheKey(runtime.provider);
    const latency = () => Math.round(performance.now() - started);

    // Read at once: the answer on a hit, and the fallback should the refresh fail (bypass requests too).
    const cachedRead = withinBudget(this.store.get(key), deadline, () => null);
    if (!bypassCache) {
      const cached = await cachedRead;
      if (cached && this.isFresh(cached)) {
        return this.emit({ provider: providerId, status: 'ok', cache: 'hit', ageSeconds: this.ageSeconds(cached), images: cached.images, latencyMs: latency() });
      }
    }

    try {
      const fresh = await withinBudget(this.fetchCoalesced(runtime, key, deadline), deadline, () => {
        throw new GatewayError('UPSTREAM_TIMEOUT', { provider: providerId, detail: `${providerId} did not answer within ${this.options.providerTimeoutMs} ms` });
      });
      return this.emit({ provider: providerId, status: 'ok', cache: bypassCache ? 'bypass' : 'miss', ageSeconds: this.ageSeconds(fresh), images: fresh.images, latencyMs: latency() });
    } catch (caught) {
      const error = toGatewayError(caught, providerId);
      // Stale-if-error: an older catalog inside the stale window beats no answer.
      const stale = await withinBudget(cachedRead, deadline, () => null);
      if (stale && this.isServableStale(stale)) {
        return this.emit({ provider: providerId, status: 'stale', cache: 'stale', ageSeconds: this.ageSeconds(stale), images: stale.images, latencyMs: latency(), error });
      }
      return this.emit({ provider: providerId, status: 'error', cache: bypassCache ? 'bypass' : 'miss', images: [], latencyMs: latency(), error });
    }
  }

  /** One upstream fetch per catalog key at a time in this process; later callers share it. */
  private fetchCoalesced(runtime: ProviderRuntime, key: string, deadline: number): Promise<CachedCatalog> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const fetch = this.fetchAndStore(runtime, key, deadline).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, fetch);
    return fetch;
  }

  /** The fetch ends with the budget of the slice that started it: no socket outlives the request that opened it. */
  private async fetchAndStore(runtime: ProviderRuntime, key: string, deadline: number): Promise<CachedCatalog> {
    const { provider } = runtime;
    const started = performance.now();
    try {
      const images = await runtime.breaker.execute(() => this.withDeadline(provider, deadline));
      const entry: CachedCatalog = { images, fetchedAt: Date.now() };
      runtime.lastSuccessAt = entry.fetchedAt;
      this.observer.onFetch(provider.id, performance.now() - started);
      // Not awaited: the memory tier is written at once, Redis in the background (a slow Redis never delays an answer).
      void this.store.set(key, entry, this.retainMs());
      return entry;
    } catch (caught) {
      const error = caught instanceof BrokenCircuitError
        ? new GatewayError('UPSTREAM_UNAVAILABLE', {
            provider: provider.id,
            detail: `${provider.id} is failing repeatedly; its circuit is open and calls are paused`,
            retryAfterSeconds: Math.ceil(this.options.circuitHalfOpenAfterMs / 1000),
          })
        : toGatewayError(caught, provider.id);
      runtime.lastError = { code: error.code, detail: error.detail, at: Date.now() };
      this.observer.onFetch(provider.id, performance.now() - started, error);
      throw error;
    }
  }

  /**
   * The budget as an abort signal: at the deadline every socket of the fetch is cut, and the answer does not
   * wait for a provider that were to ignore its signal.
   */
  private async withDeadline(provider: ImageProvider, deadline: number): Promise<Image[]> {
    const controller = new AbortController();
    try {
      return await withinBudget(provider.listCatalog({ signal: controller.signal, deadline }), deadline, () => {
        const timeout = new GatewayError('UPSTREAM_TIMEOUT', { provider: provider.id, detail: `${provider.id} did not answer within ${this.options.providerTimeoutMs} ms` });
        controller.abort(timeout);
        throw timeout;
      });
    } catch (error) {
      // A fetch that failed part-way leaves other pages in flight: their sockets are no longer wanted.
      if (!controller.signal.aborted) controller.abort();
      throw error;
    }
  }

  private emit(slice: CatalogSlice): CatalogSlice {
    this.observer.onSlice(slice);
    if (slice.error && slice.status !== 'ok') this.logger.warn({ provider: slice.provider, status: slice.status, code: slice.error.code }, 'provider slice degraded');
    return slice;
  }

  private isFresh(entry: CachedCatalog): boolean {
    return Date.now() - entry.fetchedAt < this.options.cacheTtlSeconds * 1000;
  }

  private isServableStale(entry: CachedCatalog): boolean {
    return Date.now() - entry.fetchedAt < this.retainMs();
  }

  private retainMs(): number {
    return (this.options.cacheTtlSeconds + this.options.cacheStaleSeconds) * 1000;
  }

  private ageSeconds(entry: CachedCatalog): number {
    return Math.max(0, Math.floor((Date.now() - entry.fetchedAt) / 1000));
  }
}

function countsAgainstCircuit(error: GatewayError): boolean {
  return ['UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_ERROR', 'UPSTREAM_BAD_RESPONSE', 'RATE_LIMITED', 'UPSTREAM_AUTH_FAILED'].includes(error.code);
}

/** Resolves with the promise, or with `onTimeout()` once the deadline (a performance.now() time) has passed. */
async function withinBudget<T>(promise: Promise<T>, deadline: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function toGatewayError(error: unknown, provider: string): GatewayError {
  if (isGatewayError(error)) return error;
  // A bug in a provider (a mapper throwing on an odd item, say) must not look like our own crash.
  return new GatewayError('UPSTREAM_BAD_RESPONSE', { provider, detail: `${provider} answered something the gateway could not read (${errorMessage(error)})` });
}

function circuitStateName(state: CircuitState): CircuitStateName {
  if (state === CircuitState.Open || state === CircuitState.Isolated) return 'open';
  if (state === CircuitState.HalfOpen) return 'half-open';
  return 'closed';
}
