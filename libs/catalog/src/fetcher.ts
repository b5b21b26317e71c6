import { CircuitState, type CircuitBreakerPolicy } from 'cockatiel';
import { Image, ImageProvider, PROBLEMS, upstreamTimeout, withinBudget } from '@images/core';
import { CachedCatalog, CatalogStore } from './catalog-store';
import { asAnswer, openCircuitError, toGatewayError, unwrapAnswer } from './circuits';
import { CatalogCoordination } from './coordination';
import { EngineObserver, EngineOptions } from './engine-types';
import { Freshness } from './freshness';
import { catalogVersion } from './derived';
import { markCoalesced } from './slice-spans';

const WAIT_POLL_MS = 40;

/** A provider as the engine runs it: its breaker and what it last did. */
export interface ProviderRuntime {
  provider: ImageProvider;
  /** Its catalog's cache key, made once: a new string per read would be hashed again for every lookup. */
  readonly cacheKey: string;
  breaker: CircuitBreakerPolicy;
  lastSuccessAt: number | null;
  lastError: { code: string; detail?: string; at: number } | null;
}

/**
 * How catalogs are fetched: one fetch per catalog in this process and across the replicas sharing the cache (leases),
 * refresh-ahead in the background, each fetch inside its slice's budget and behind the provider's breaker, and no
 * catalog stored that a write has overtaken.
 */
export class CatalogFetcher {
  private readonly inFlight = new Map<string, Promise<CachedCatalog>>();
  /** Bumped by every invalidation of a key: a fetch that started before it must not be stored. */
  private readonly generations = new Map<string, number>();
  private readonly refreshing = new Set<string>();

  constructor(
    private readonly store: CatalogStore,
    private readonly coordination: CatalogCoordination,
    private readonly options: EngineOptions,
    private readonly freshness: Freshness,
    private readonly observer: EngineObserver,
  ) {
    coordination.onInvalidation((key) => {
      this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
      this.inFlight.delete(key);
      this.store.evictLocal(key);
    });
  }

  /** One upstream fetch per catalog key at a time in this process; later callers share it. */
  fetch(runtime: ProviderRuntime, deadline: number, notBefore: number): Promise<CachedCatalog> {
    const key = runtime.cacheKey;
    const existing = this.inFlight.get(key);
    if (existing) {
      markCoalesced(this.options.tracer);
      return existing;
    }
    // An open circuit answers at once: no lease to take, no other replica to wait for.
    // Tracked too: the reads that meet the trial of a half-opening circuit share it instead of calling the vendor again.
    if (runtime.breaker.state === CircuitState.Open) return this.track(key, this.fetchAndStore(runtime, deadline).then(({ entry }) => entry));
    return this.track(key, this.fetchAcrossReplicas(runtime, deadline, notBefore));
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
  private async fetchAcrossReplicas(runtime: ProviderRuntime, deadline: number, notBefore: number): Promise<CachedCatalog> {
    const key = runtime.cacheKey;
    for (;;) {
      const token = await this.coordination.acquire(key, this.leaseMs());
      if (token !== null) {
        // Another replica may have stored a catalog between this slice's cache read and the lease.
        const shared = this.coordination.shared ? await this.store.getShared(key) : null;
        if (shared && shared.fetchedAt >= notBefore) {
          await this.coordination.release(key, token);
          return shared;
        }
        return this.fetchUnderLease(runtime, deadline, token);
      }
      markCoalesced(this.options.tracer);
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
    throw upstreamTimeout(providerId, this.options.providerTimeoutMs);
  }

  /** Renews the lease while the vendor is asked, and releases it once the catalog is in the shared cache. */
  private async fetchUnderLease(runtime: ProviderRuntime, deadline: number, token: string): Promise<CachedCatalog> {
    const key = runtime.cacheKey;
    const leaseMs = this.leaseMs();
    const renewal = setInterval(() => void this.coordination.renew(key, token, leaseMs), Math.max(10, Math.floor(leaseMs / 3)));
    renewal.unref();
    let stored: Promise<void> = Promise.resolve();
    try {
      const { entry, store } = await this.fetchAndStore(runtime, deadline);
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
  refreshAhead(runtime: ProviderRuntime, current: CachedCatalog): void {
    const key = runtime.cacheKey;
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
      await this.track(key, this.fetchUnderLease(runtime, deadline, token));
    })()
      // Failures are counted by the fetch itself; the catalog in hand keeps serving.
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(key));
  }

  /** The fetch ends with the budget of the slice that started it: no socket outlives the request that opened it. */
  private async fetchAndStore(runtime: ProviderRuntime, deadline: number): Promise<{ entry: CachedCatalog; store: Promise<void> }> {
    const { provider, cacheKey: key } = runtime;
    const started = performance.now();
    const generation = this.generations.get(key) ?? 0;
    try {
      const images = unwrapAnswer(await runtime.breaker.execute(() => asAnswer(this.withDeadline(provider, deadline))));
      const fetchedAt = Date.now();
      runtime.lastSuccessAt = fetchedAt;
      this.observer.onFetch(provider.id, performance.now() - started);
      const entry: CachedCatalog = { images, fetchedAt, version: await catalogVersion(images) };
      // A write landed while this fetch was out: its answer may predate the write, so it is not kept.
      if ((this.generations.get(key) ?? 0) !== generation) return { entry, store: Promise.resolve() };
      this.observer.onCatalogStored?.(provider.id, images);
      // Not awaited by the caller: the memory tier is written at once, Redis in the background (a slow Redis never delays an answer).
      return { entry, store: this.store.set(key, entry, this.freshness.retainMs) };
    } catch (caught) {
      const error = toGatewayError(openCircuitError(caught, provider.id, this.options.circuitHalfOpenAfterMs), provider.id);
      // The gateway's own words: a vendor's text can echo what it was sent, and this state is shown to callers.
      runtime.lastError = { code: error.code, detail: PROBLEMS[error.code].title, at: Date.now() };
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
        const timeout = upstreamTimeout(provider.id, this.options.providerTimeoutMs);
        controller.abort(timeout);
        throw timeout;
      });
    } catch (error) {
      // A fetch that failed part-way leaves other pages in flight: their sockets are no longer wanted.
      if (!controller.signal.aborted) controller.abort();
      throw error;
    }
  }

  private leaseMs(): number {
    return this.options.leaseMs ?? 2000;
  }
}
