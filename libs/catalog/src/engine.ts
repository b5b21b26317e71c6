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

  /** Drops a provider's cached catalog (after a write), in every tier. */
  async invalidate(providerId: string): Promise<void> {
    const runtime = this.runtimes.get(providerId);
    if (runtime) await this.store.delete(this.cacheKey(runtime.provider));
  }

  cacheKey(provider: ImageProvider): string {
    return `${this.options.keyPrefix}catalog:v1:${provider.id}:${provider.accountScope}`;
  }

  private async slice(providerId: string, bypassCache: boolean): Promise<CatalogSlice> {
    const started = performance.now();
    const runtime = this.runtimes.get(providerId);
    if (!runtime) throw new Error(`unknown provider ${providerId}`);
    const key = this.cacheKey(runtime.provider);
    const latency = () => Math.round(performance.now() - started);

    let cached: CachedCatalog | null = null;
    if (!bypassCache) {
      cached = await this.store.get(key);
      if (cached && this.isFresh(cached)) {
        return this.emit({ provider: providerId, status: 'ok', cache: 'hit', ageSeconds: this.ageSeconds(cached), images: cached.images, latencyMs: latency() });
      }
    }

    try {
      const fresh = await this.fetchCoalesced(runtime, key);
      return this.emit({ provider: providerId, status: 'ok', cache: bypassCache ? 'bypass' : 'miss', ageSeconds: this.ageSeconds(fresh), images: fresh.images, latencyMs: latency() });
    } catch (caught) {
      const error = toGatewayError(caught, providerId);
      // Stale-if-error: an older catalog inside the stale window beats no answer.
      const stale = bypassCache ? await this.store.get(key) : cached;
      if (stale && this.isServableStale(stale)) {
        return this.emit({ provider: providerId, status: 'stale', cache: 'stale', ageSeconds: this.ageSeconds(stale), images: stale.images, latencyMs: latency(), error });
      }
      return this.emit({ provider: providerId, status: 'error', cache: bypassCache ? 'bypass' : 'miss', images: [], latencyMs: latency(), error });
    }
  }

  /** One upstream fetch per catalog key at a time in this process; later callers share it. */
  private fetchCoalesced(runtime: ProviderRuntime, key: string): Promise<CachedCatalog> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const fetch = this.fetchAndStore(runtime, key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, fetch);
    return fetch;
  }

  private async fetchAndStore(runtime: ProviderRuntime, key: string): Promise<CachedCatalog> {
    const { provider } = runtime;
    const started = performance.now();
    try {
      const images = await runtime.breaker.execute(() => this.withDeadline(provider));
      const entry: CachedCatalog = { images, fetchedAt: Date.now() };
      runtime.lastSuccessAt = entry.fetchedAt;
      this.observer.onFetch(provider.id, performance.now() - started);
      await this.store.set(key, entry, this.retainMs());
      return entry;
    } catch (caught) {
      const error = toGatewayError(caught, provider.id);
      runtime.lastError = { code: error.code, detail: error.detail, at: Date.now() };
      this.observer.onFetch(provider.id, performance.now() - started, error);
      throw error;
    }
  }

  /**
   * The slice's budget: the signal aborts every socket of the fetch; the timer answers even if a provider
   * were to ignore its signal.
   */
  private async withDeadline(provider: ImageProvider): Promise<Image[]> {
    const budgetMs = this.options.providerTimeoutMs;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(new GatewayError('UPSTREAM_TIMEOUT', { provider: provider.id, detail: `${provider.id} did not answer within ${budgetMs} ms` }));
        reject(controller.signal.reason);
      }, budgetMs);
    });
    try {
      return await Promise.race([provider.listCatalog({ signal: controller.signal }), deadline]);
    } catch (error) {
      // Whatever the provider threw after the abort, the cause is the budget.
      if (controller.signal.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
      // A fetch that failed part-way leaves other pages in flight: their sockets are no longer wanted.
      if (!controller.signal.aborted) controller.abort();
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

export function toGatewayError(error: unknown, provider: string): GatewayError {
  if (isGatewayError(error)) return error;
  if (error instanceof BrokenCircuitError) {
    return new GatewayError('UPSTREAM_UNAVAILABLE', { provider, detail: `${provider} is failing repeatedly; its circuit is open and calls are paused` });
  }
  // A bug in a provider (a mapper throwing on an odd item, say) must not look like our own crash.
  return new GatewayError('UPSTREAM_BAD_RESPONSE', { provider, detail: `${provider} answered something the gateway could not read (${errorMessage(error)})` });
}

function circuitStateName(state: CircuitState): CircuitStateName {
  if (state === CircuitState.Open || state === CircuitState.Isolated) return 'open';
  if (state === CircuitState.HalfOpen) return 'half-open';
  return 'closed';
}
