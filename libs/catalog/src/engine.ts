import { CircuitState } from 'cockatiel';
import { GatewayError, Image, ImageProvider, ProviderLogger, callBudget, isGatewayError, upstreamTimeout, withinBudget } from '@images/core';
import { CachedCatalog, CatalogStore } from './catalog-store';
import { circuitStateName, providerBreaker, toGatewayError } from './circuits';
import { CatalogCoordination, LocalCoordination } from './coordination';
import { CacheOutcome, CatalogSlice, EngineObserver, EngineOptions, ImageLookup, ProviderState, ReadFreshness, SliceStatus } from './engine-types';
import { CatalogFetcher, ProviderRuntime } from './fetcher';
import { Freshness } from './freshness';
import { imagesById, versionOf } from './derived';
import { tracedSlice } from './slice-spans';

export type { CacheOutcome, CatalogSlice, EngineObserver, EngineOptions, ImageLookup, ProviderState, ReadFreshness, SliceStatus } from './engine-types';

/** The server's own TTL and stale window, no caller directive. */
const SERVER_FRESHNESS: ReadFreshness = { bypassCache: false };
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
      this.runtimes.set(provider.id, { provider, breaker, cacheKey: this.cacheKey(provider), lastSuccessAt: null, lastError: null });
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
  async slices(providerIds: readonly string[], read: ReadFreshness): Promise<CatalogSlice[]> {
    return this.freshInMemory(providerIds, read) ?? Promise.all(providerIds.map((id) => this.slice(id, read)));
  }

  /**
   * The warm read, without a promise per provider: every selected catalog is in this process's memory and fresh for
   * this read. Null when any one needs more (a cache read, a fetch, a caller's refresh), or while tracing wants a span
   * per slice; sliceOf then decides for all, as it would for a hit too.
   */
  private freshInMemory(providerIds: readonly string[], read: ReadFreshness): CatalogSlice[] | null {
    if (read.bypassCache || this.options.tracer) return null;
    const hits: { runtime: ProviderRuntime; cached: CachedCatalog }[] = [];
    for (const id of providerIds) {
      const runtime = this.runtimes.get(id);
      if (!runtime) return null;
      const cached = this.store.readNow(runtime.cacheKey);
      if (!cached || !this.freshness.isFresh(cached, read.maxAgeMs)) return null;
      hits.push({ runtime, cached });
    }
    // Side effects only once every slice is known to be a hit, as sliceOf has them for a hit.
    return hits.map(({ runtime, cached }) => {
      if (this.freshness.isDueForRefresh(cached)) this.fetcher.refreshAhead(runtime, cached);
      return this.emit({ provider: runtime.provider.id, status: 'ok', cache: 'hit', ageSeconds: this.freshness.ageSeconds(cached), version: versionOf(cached), images: cached.images, latencyMs: 0 });
    });
  }

  /** One image (GET /images/{id}); null when the provider has no such image. See lookup(). */
  async image(providerId: string, providerImageId: string, requestId?: string): Promise<Image | null> {
    return (await this.lookup(providerId, providerImageId, requestId)).image;
  }

  /**
   * One image, and where it came from: a fresh cached catalog that holds it settled, else the provider's exact lookup
   * when it has one (fresh right after a write), else its catalog slice. The lookup has the list's protection: an open
   * circuit skips it, and a retryable failure falls back to the cached (even stale) catalog when that holds the image.
   * The caller's directives apply as on a list: no-cache skips the cached catalog, only-if-cached the vendor.
   */
  async lookup(providerId: string, providerImageId: string, requestId?: string, read: ReadFreshness = SERVER_FRESHNESS): Promise<ImageLookup> {
    const { provider } = this.runtime(providerId);
    const cached = read.bypassCache ? null : await this.fromFreshCatalog(providerId, providerImageId, read.maxAgeMs);
    if (cached) return cached;
    if (typeof provider.getImage !== 'function' || read.onlyIfCached || this.circuitOpen(providerId)) return this.imageFromCatalog(providerId, providerImageId, read);
    const budget = callBudget(providerId, this.options.providerTimeoutMs, requestId);
    try {
      return { image: await provider.getImage(providerImageId, budget.ctx), from: 'vendor' };
    } catch (error) {
      if (!isGatewayError(error) || !error.retryable) throw error;
      // The vendor was asked already: the fallback is the cached catalog, not a second call for the whole of it.
      return this.imageFromCatalog(providerId, providerImageId, { ...read, bypassCache: false }, error);
    } finally {
      budget.stop();
    }
  }

  /**
   * From the fresh cached catalog, by id, without a vendor call: writes invalidate the catalog, so it is current after
   * them. A pending image is left to the exact lookup: its state moves on at the vendor with no write through here.
   */
  private async fromFreshCatalog(providerId: string, providerImageId: string, maxAgeMs?: number): Promise<ImageLookup | null> {
    const started = performance.now();
    const { provider, cacheKey } = this.runtime(providerId);
    const cached = await this.readCached(cacheKey, started + this.options.providerTimeoutMs);
    if (!cached || !this.freshness.isFresh(cached, maxAgeMs)) return null;
    const image = imagesById(cached.images).get(providerImageId);
    if (!image || (image.status === 'pending' && typeof provider.getImage === 'function')) return null;
    const latencyMs = Math.round(performance.now() - started);
    return { image, from: this.emit({ provider: providerId, status: 'ok', cache: 'hit', ageSeconds: this.freshness.ageSeconds(cached), version: versionOf(cached), images: cached.images, latencyMs }) };
  }

  /** The image from its provider's catalog slice; `lookupError` (a failed exact lookup) wins over "not found". */
  private async imageFromCatalog(providerId: string, providerImageId: string, read: ReadFreshness, lookupError?: GatewayError): Promise<ImageLookup> {
    const slice = await this.slice(providerId, read);
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
    const key = runtime.cacheKey;
    // Every replica drops its in-process copy and any fetch that may have read the vendor before the write.
    await this.coordination.publishInvalidation(key);
    await this.store.delete(key);
  }

  /**
   * `{…}` is a Redis Cluster hash tag: the catalog, its lease and its parts being written (`${key}:…`) hash to one
   * slot, so the write's MULTI (RENAME of the parts into place) runs on one node.
   */
  cacheKey(provider: ImageProvider): string {
    return `${this.options.keyPrefix}catalog:v1:{${provider.id}:${provider.accountScope}}`;
  }

  private runtime(providerId: string): ProviderRuntime {
    const runtime = this.runtimes.get(providerId);
    if (!runtime) throw new Error(`unknown provider ${providerId}`);
    return runtime;
  }

  private slice(providerId: string, read: ReadFreshness): Promise<CatalogSlice> {
    const tracer = this.options.tracer;
    return tracer ? tracedSlice(tracer, providerId, () => this.sliceOf(providerId, read)) : this.sliceOf(providerId, read);
  }

  private async sliceOf(providerId: string, read: ReadFreshness): Promise<CatalogSlice> {
    const started = performance.now();
    // The budget covers the whole slice, cache reads included: a slow Redis must not stretch it.
    const deadline = started + this.options.providerTimeoutMs;
    const runtime = this.runtime(providerId);
    const key = runtime.cacheKey;
    const latency = () => Math.round(performance.now() - started);
    const served = (status: SliceStatus, cache: CacheOutcome, entry: CachedCatalog, error?: GatewayError) =>
      this.emit({ provider: providerId, status, cache, ageSeconds: this.freshness.ageSeconds(entry), version: versionOf(entry), images: entry.images, latencyMs: latency(), error });
    const { maxAgeMs, maxStaleMs } = read;
    const readCached = () => this.readCached(key, deadline);
    if (read.onlyIfCached) return this.cachedOnly(providerId, await readCached(), read, served, latency);

    // Read at once: the answer on a hit, and the fallback should the refresh fail. `refresh=true` reads it only
    // if the fetch fails: a large catalog's read (a Redis parse) must not delay the fetch it asked for.
    const cachedRead = read.bypassCache ? null : readCached();
    // Asked for by the caller (refresh, or a catalog older than its max-age): waited for in full, like a refresh.
    let askedByCaller = read.bypassCache;
    let waitUntil = deadline;
    if (cachedRead) {
      const cached = await cachedRead;
      if (cached && this.freshness.isFresh(cached, maxAgeMs)) {
        if (this.freshness.isDueForRefresh(cached)) this.fetcher.refreshAhead(runtime, cached);
        return served('ok', 'hit', cached);
      }
      if (cached && this.freshness.isFresh(cached)) askedByCaller = true;
      else if (cached && maxStaleMs !== undefined && this.freshness.isServableStale(cached, maxStaleMs)) {
        // The caller accepts this much staleness (max-stale): served at once, refreshed in the background.
        this.fetcher.refreshAhead(runtime, cached);
        return served('stale', 'stale', cached);
      } else if (cached && this.options.staleWaitMs !== undefined && this.freshness.isServableStale(cached, maxStaleMs)) {
        // A stale catalog in hand: the refresh is waited for only briefly.
        waitUntil = Math.min(deadline, started + this.options.staleWaitMs);
      }
    }

    try {
      // A refresh asked for by the caller must not be answered by a fetch older than the request; any other read by
      // one younger than the TTL (or the caller's max-age) only (one exactly TTL old is expired, as Freshness has it).
      const notBefore = read.bypassCache ? Date.now() : Date.now() - Math.min(this.freshness.ttlMs, maxAgeMs ?? Infinity) + 1;
      // The fetch keeps its own deadline: cut short here, it goes on and lands in the cache for the next reads.
      const fresh = await withinBudget(this.fetcher.fetch(runtime, deadline, notBefore), waitUntil, () => {
        throw upstreamTimeout(providerId, waitUntil < deadline ? this.options.staleWaitMs! : this.options.providerTimeoutMs);
      });
      return served('ok', askedByCaller ? 'bypass' : 'miss', fresh);
    } catch (caught) {
      const error = toGatewayError(caught, providerId);
      // Stale-if-error: an older catalog inside the stale window (or the caller's max-stale) beats no answer.
      const stale = await (cachedRead ?? readCached());
      if (stale && this.freshness.isServableStale(stale, maxStaleMs)) return served('stale', 'stale', stale, error);
      return this.emit({ provider: providerId, status: 'error', cache: askedByCaller ? 'bypass' : 'miss', images: [], latencyMs: latency(), error });
    }
  }

  /** `only-if-cached`: what the cache holds, fresh or servable stale, and never a vendor call. */
  private cachedOnly(providerId: string, cached: CachedCatalog | null, read: ReadFreshness, served: (status: SliceStatus, cache: CacheOutcome, entry: CachedCatalog) => CatalogSlice, latency: () => number): CatalogSlice {
    if (cached && this.freshness.isFresh(cached, read.maxAgeMs)) return served('ok', 'hit', cached);
    if (cached && this.freshness.isServableStale(cached, read.maxStaleMs)) return served('stale', 'stale', cached);
    // RFC 9111 5.2.1.7: 504 when nothing stored will do.
    const error = new GatewayError('UPSTREAM_TIMEOUT', { provider: providerId, retryable: false, detail: `${providerId} has no servable cached catalog, and only-if-cached forbids asking it` });
    return this.emit({ provider: providerId, status: 'error', cache: 'miss', images: [], latencyMs: latency(), error });
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
