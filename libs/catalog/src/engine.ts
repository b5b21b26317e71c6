import { CircuitState } from 'cockatiel';
import { GatewayError, Image, ImageProvider, ProviderLogger, callBudget, isGatewayError, upstreamTimeout, withinBudget } from '@images/core';
import { CachedCatalog, CatalogStore } from './catalog-store';
import { circuitStateName, providerBreaker, toGatewayError } from './circuits';
import { CatalogCoordination, LocalCoordination } from './coordination';
import { CatalogSlice, EngineObserver, EngineOptions, ImageLookup, ProviderState } from './engine-types';
import { CatalogFetcher, ProviderRuntime } from './fetcher';
import { Freshness } from './freshness';
import { imagesById, versionOf } from './derived';
import { tracedSlice } from './slice-spans';

export type { CacheOutcome, CatalogSlice, EngineObserver, EngineOptions, ImageLookup, ProviderState, SliceStatus } from './engine-types';
export type { CircuitStateName } from './circuits';

/**
 * The fan-out engine: every selected provider at once, each behind the cache, one in-flight fetch per catalog,
 * a circuit breaker and its own deadline. One provider's failure only ever marks its own slice.
 */
export class CatalogEngine {
  private readonly runtimes = new Map<string, ProviderRuntime>();
  private readonly freshness: Freshness;
  private readonly fetcher: CatalogFetcher;

  constructor(
    providers: readonly ImageProvider[],
    private readonly store: CatalogStore,
    private readonly options: EngineOptions,
    private readonly observer: EngineObserver,
    private readonly logger: ProviderLogger,
    private readonly coordination: CatalogCoordination = new LocalCoordination(),
  ) {
    this.freshness = new Freshness(options);
    this.fetcher = new CatalogFetcher(store, coordination, options, this.freshness, observer);
    for (const provider of providers) {
      const breaker = providerBreaker({ failureThreshold: options.circuitFailureThreshold, halfOpenAfterMs: options.circuitHalfOpenAfterMs }, (state) => observer.onCircuitChange(provider.id, state));
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

  /** One image (GET /images/{id}); null when the provider has no such image. See lookup(). */
  async image(providerId: string, providerImageId: string, requestId?: string): Promise<Image | null> {
    return (await this.lookup(providerId, providerImageId, requestId)).image;
  }

  /**
   * One image, and where it came from: a fresh cached catalog that holds it settled, else the provider's exact lookup
   * when it has one (fresh right after a write), else its catalog slice. The lookup has the list's protection: an open
   * circuit skips it, and a retryable failure falls back to the cached (even stale) catalog when that holds the image.
   */
  async lookup(providerId: string, providerImageId: string, requestId?: string): Promise<ImageLookup> {
    const { provider } = this.runtime(providerId);
    const cached = await this.fromFreshCatalog(providerId, providerImageId);
    if (cached) return cached;
    if (typeof provider.getImage !== 'function' || this.circuitOpen(providerId)) return this.imageFromCatalog(providerId, providerImageId);
    const budget = callBudget(providerId, this.options.providerTimeoutMs, requestId);
    try {
      return { image: await provider.getImage(providerImageId, budget.ctx), from: 'vendor' };
    } catch (error) {
      if (!isGatewayError(error) || !error.retryable) throw error;
      return this.imageFromCatalog(providerId, providerImageId, error);
    } finally {
      budget.stop();
    }
  }

  /**
   * From the fresh cached catalog, by id, without a vendor call: writes invalidate the catalog, so it is current after
   * them. A pending image is left to the exact lookup: its state moves on at the vendor with no write through here.
   */
  private async fromFreshCatalog(providerId: string, providerImageId: string): Promise<ImageLookup | null> {
    const started = performance.now();
    const { provider } = this.runtime(providerId);
    const cached = await this.readCached(this.cacheKey(provider), started + this.options.providerTimeoutMs);
    if (!cached || !this.freshness.isFresh(cached)) return null;
    const image = imagesById(cached.images).get(providerImageId);
    if (!image || (image.status === 'pending' && typeof provider.getImage === 'function')) return null;
    const latencyMs = Math.round(performance.now() - started);
    return { image, from: this.emit({ provider: providerId, status: 'ok', cache: 'hit', ageSeconds: this.freshness.ageSeconds(cached), version: versionOf(cached), images: cached.images, latencyMs }) };
  }

  /** The image from its provider's catalog slice; `lookupError` (a failed exact lookup) wins over "not found". */
  private async imageFromCatalog(providerId: string, providerImageId: string, lookupError?: GatewayError): Promise<ImageLookup> {
    const slice = await this.slice(providerId, false);
    const image = imagesById(slice.images).get(providerImageId);
    if (image) return { image, from: slice };
    if (lookupError) throw lookupError;
    if (slice.status === 'error') throw slice.error!;
    return { image: null, from: slice };
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

  private runtime(providerId: string): ProviderRuntime {
    const runtime = this.runtimes.get(providerId);
    if (!runtime) throw new Error(`unknown provider ${providerId}`);
    return runtime;
  }

  private slice(providerId: string, bypassCache: boolean): Promise<CatalogSlice> {
    const tracer = this.options.tracer;
    return tracer ? tracedSlice(tracer, providerId, () => this.sliceOf(providerId, bypassCache)) : this.sliceOf(providerId, bypassCache);
  }

  private async sliceOf(providerId: string, bypassCache: boolean): Promise<CatalogSlice> {
    const started = performance.now();
    // The budget covers the whole slice, cache reads included: a slow Redis must not stretch it.
    const deadline = started + this.options.providerTimeoutMs;
    const runtime = this.runtime(providerId);
    const key = this.cacheKey(runtime.provider);
    const latency = () => Math.round(performance.now() - started);

    // Read at once: the answer on a hit, and the fallback should the refresh fail. `refresh=true` reads it only
    // if the fetch fails: a large catalog's read (a Redis parse) must not delay the fetch it asked for.
    const readCached = () => this.readCached(key, deadline);
    const cachedRead = bypassCache ? null : readCached();
    // A stale catalog in hand: the refresh is waited for only briefly (not on `refresh=true`, which asked for it).
    let waitUntil = deadline;
    if (cachedRead) {
      const cached = await cachedRead;
      if (cached && this.freshness.isFresh(cached)) {
        if (this.freshness.isDueForRefresh(cached)) this.fetcher.refreshAhead(runtime, key, cached);
        return this.emit({ provider: providerId, status: 'ok', cache: 'hit', ageSeconds: this.freshness.ageSeconds(cached), version: versionOf(cached), images: cached.images, latencyMs: latency() });
      }
      const staleWaitMs = this.options.staleWaitMs;
      if (cached && staleWaitMs !== undefined && this.freshness.isServableStale(cached)) waitUntil = Math.min(deadline, started + staleWaitMs);
    }

    try {
      // A refresh asked for by the caller must not be answered by a fetch older than the request; any other read by
      // a fresh catalog only (one exactly TTL old is expired, as Freshness has it).
      const notBefore = bypassCache ? Date.now() : Date.now() - this.freshness.ttlMs + 1;
      // The fetch keeps its own deadline: cut short here, it goes on and lands in the cache for the next reads.
      const fresh = await withinBudget(this.fetcher.fetch(runtime, key, deadline, notBefore), waitUntil, () => {
        throw upstreamTimeout(providerId, waitUntil < deadline ? this.options.staleWaitMs! : this.options.providerTimeoutMs);
      });
      return this.emit({ provider: providerId, status: 'ok', cache: bypassCache ? 'bypass' : 'miss', ageSeconds: this.freshness.ageSeconds(fresh), version: versionOf(fresh), images: fresh.images, latencyMs: latency() });
    } catch (caught) {
      const error = toGatewayError(caught, providerId);
      // Stale-if-error: an older catalog inside the stale window beats no answer.
      const stale = await (cachedRead ?? readCached());
      if (stale && this.freshness.isServableStale(stale)) {
        return this.emit({ provider: providerId, status: 'stale', cache: 'stale', ageSeconds: this.freshness.ageSeconds(stale), version: versionOf(stale), images: stale.images, latencyMs: latency(), error });
      }
      return this.emit({ provider: providerId, status: 'error', cache: bypassCache ? 'bypass' : 'miss', images: [], latencyMs: latency(), error });
    }
  }

  /** The cached catalog: from memory at once when the store can tell, else within the deadline (a slow Redis is a miss). */
  private readCached(key: string, deadline: number): Promise<CachedCatalog | null> {
    const inMemory = this.store.readNow(key);
    return inMemory !== undefined ? Promise.resolve(inMemory) : withinBudget(this.store.get(key), deadline, () => null);
  }

  private emit(slice: CatalogSlice): CatalogSlice {
    this.observer.onSlice(slice);
    if (slice.error && slice.status !== 'ok') this.logger.warn({ provider: slice.provider, status: slice.status, code: slice.error.code }, 'provider slice degraded');
    return slice;
  }

}
