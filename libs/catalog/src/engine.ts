import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { GatewayError, Image, ImageProvider, ProviderLogger, isGatewayError } from '@images/core';
import { CachedCatalog, CatalogStore, errorMessage } from './catalog-store';
import { CatalogCoordination, LocalCoordination } from './coordination';

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
}

const WAIT_POLL_MS = 40;

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
  /** Bumped by every invalidation of a key: a fetch that started before it must not be stored. */
  private readonly generations = new Map<string, number>();
  private readonly refreshing = new Set<string>();

  constructor(
    providers: readonly ImageProvider[],
    private readonly store: CatalogStore,
    private readonly options: EngineOptions,
    private readonly observer: EngineObserver,
    private readonly logger: ProviderLogger,
    private readonly coordination: CatalogCoordination = new LocalCoordination(),
  ) {
    coordination.onInvalidation((key) => {
      this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
      this.inFlight.delete(key);
      this.store.evictLocal(key);
    });
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

  /** True while the provider's circuit is open: calls to it are paused. */
  circuitOpen(providerId: string): boolean {
    return this.runtimes.get(providerId)?.breaker.state === CircuitState.Open;
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
    // Every replica drops its in-process copy and any fetch that may have read the vendor before the write.
    await this.coordination.publishInvalidation(key);
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
        if (this.isDueForRefresh(cached)) this.refreshAhead(runtime, key, cached);
        return this.emit({ provider: providerId, status: 'ok', cache: 'hit', ageSeconds: this.ageSeconds(cached), images: cached.images, latencyMs: latency() });
      }
    }

    try {
      // A refresh asked for by the caller must not be answered by a fetch older than the request.
      const notBefore = bypassCache ? Date.now() : Date.now() - this.options.cacheTtlSeconds * 1000;
      const fresh = await withinBudget(this.fetchCoalesced(runtime, key, deadline, notBefore), deadline, () => {
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
  private fetchCoalesced(runtime: ProviderRuntime, key: string, deadline: number, notBefore: number): Promise<CachedCatalog> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    // An open circuit answers at once: no lease to take, no other replica to wait for.
    if (runtime.breaker.state === CircuitState.Open) return this.fetchAndStore(runtime, key, deadline).then(({ entry }) => entry);
    return this.track(key, this.fetchAcrossReplicas(runtime, key, deadline, notBefore));
  }

  private track(key: string, fetch: Promise<CachedCatalog>): Promise<CachedCatalog> {
    const tracked = fetch.finally(() => {
      if (this.inFlight.get(key) === tracked) this.inFlight.delete(key);
    });
    this.inFlight.set(key, tracked);
    return tracked;
  }

  /**
   * One fetch per catalog across the replicas sharing the cache: the lease holder asks the vendor, the others
   * watch the shared cache for its result, and take over when the lease goes without one (the holder failed or died).
   */
  private async fetchAcrossReplicas(runtime: ProviderRuntime, key: string, deadline: number, notBefore: number): Promise<CachedCatalog> {
    for (;;) {
      const token = await this.coordination.acquire(key, this.leaseMs());
      if (token !== null) {
        // Another replica may have stored a catalog between this slice's cache read and the lease.
        const shared = this.coordination.shared ? await this.store.getShared(key) : null;
        if (shared && shared.fetchedAt >= notBefore) {
          await this.coordination.release(key, token);
          return shared;
        }
        return this.fetchUnderLease(runtime, key, deadline, token);
      }
      const result = await this.awaitOtherReplica(runtime.provider.id, key, deadline, notBefore);
      if (result) return result;
    }
  }

  /**
   * Null when the lease is gone without a new catalog: the caller takes over. Only the small lease key is polled;
   * the holder releases it once the catalog is in Redis, so the catalog itself is read once.
   */
  private async awaitOtherReplica(providerId: string, key: string, deadline: number, notBefore: number): Promise<CachedCatalog | null> {
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
      if (!(await this.coordination.isHeld(key))) {
        const last = await this.store.getShared(key);
        return last && last.fetchedAt >= notBefore ? last : null;
      }
    }
    throw new GatewayError('UPSTREAM_TIMEOUT', { provider: providerId, detail: `${providerId} did not answer within ${this.options.providerTimeoutMs} ms` });
  }

  /** Renews the lease while the vendor is asked, and releases it once the catalog is in the shared cache. */
  private async fetchUnderLease(runtime: ProviderRuntime, key: string, deadline: number, token: string): Promise<CachedCatalog> {
    const leaseMs = this.leaseMs();
    const renewal = setInterval(() => void this.coordination.renew(key, token, leaseMs), Math.max(10, Math.floor(leaseMs / 3)));
    renewal.unref();
    let stored: Promise<void> = Promise.resolve();
    try {
      const { entry, store } = await this.fetchAndStore(runtime, key, deadline);
      stored = store;
      return entry;
    } finally {
      // The lease outlives the answer until Redis holds the catalog, so waiting replicas find it when it ends.
      void stored.finally(() => {
        clearInterval(renewal);
        void this.coordination.release(key, token);
      });
    }
  }

  /** A catalog read late in its life is refreshed now, in the background, so steady traffic never waits for the vendor. */
  private refreshAhead(runtime: ProviderRuntime, key: string, current: CachedCatalog): void {
    // An open circuit would only fail it; the stale window covers the catalog meanwhile.
    if (this.inFlight.has(key) || this.refreshing.has(key) || runtime.breaker.state === CircuitState.Open) return;
    this.refreshing.add(key);
    const deadline = performance.now() + this.options.providerTimeoutMs;
    void (async () => {
      const token = await this.coordination.acquire(key, this.leaseMs());
      // Null: another replica is refreshing it already.
      if (token === null) return;
      if (this.inFlight.has(key)) return void this.coordination.release(key, token);
      // Another replica refreshed it since this copy was read: adopting its catalog (getShared) is the refresh.
      const shared = this.coordination.shared ? await this.store.getShared(key) : null;
      if (shared && shared.fetchedAt > current.fetchedAt) return void this.coordination.release(key, token);
      await this.track(key, this.fetchUnderLease(runtime, key, deadline, token));
    })()
      // Failures are counted by the fetch itself; the catalog in hand keeps serving.
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(key));
  }

  /** The fetch ends with the budget of the slice that started it: no socket outlives the request that opened it. */
  private async fetchAndStore(runtime: ProviderRuntime, key: string, deadline: number): Promise<{ entry: CachedCatalog; store: Promise<void> }> {
    const { provider } = runtime;
    const started = performance.now();
    const generation = this.generations.get(key) ?? 0;
    try {
      const images = await runtime.breaker.execute(() => this.withDeadline(provider, deadline));
      const entry: CachedCatalog = { images, fetchedAt: Date.now() };
      runtime.lastSuccessAt = entry.fetchedAt;
      this.observer.onFetch(provider.id, performance.now() - started);
      // A write landed while this fetch was out: its answer may predate the write, so it is not kept.
      if ((this.generations.get(key) ?? 0) !== generation) return { entry, store: Promise.resolve() };
      // Not awaited by the caller: the memory tier is written at once, Redis in the background (a slow Redis never delays an answer).
      return { entry, store: this.store.set(key, entry, this.retainMs()) };
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

  private isDueForRefresh(entry: CachedCatalog): boolean {
    return Date.now() - entry.fetchedAt >= this.options.cacheTtlSeconds * 1000 * (this.options.refreshAheadRatio ?? 0.8);
  }

  private leaseMs(): number {
    return this.options.leaseMs ?? 2000;
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
