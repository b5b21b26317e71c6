import { Injectable } from '@nestjs/common';
import { CatalogEngine, CatalogSlice, ReadFreshness, imagesJson, serialisedImage } from '@images/catalog';
import { GatewayError, Image, SecretRedactor } from '@images/core';
import { DEFAULT_SORT, ImageFilters, InvalidCursorError, PageRequest, PageResult, canonicalFilters, queryImages } from '@images/query';
import { GatewayConfig } from '../config/gateway-config';
import { ProviderDirectory } from '../providers/provider-directory';
import { ListImagesQuery } from './dto/list-images.query';
import { AnswerCache, CachedPage } from './answer-cache';
import { CatalogIndexes } from './catalog-indexes';
import { AnswerCaching, cacheStatus, imageEtag, listEtag, matchesIfNoneMatch, maxAgeSeconds } from './http-caching';

export const DEFAULT_LIMIT = 50;

export interface SourceReport {
  provider: string;
  status: CatalogSlice['status'];
  cache: CatalogSlice['cache'];
  ageSeconds?: number;
  count: number;
  latencyMs: number;
  error?: Record<string, unknown>;
}

export interface ImageList {
  items: Image[];
  page: { limit: number; total: number; nextCursor: string | null };
  sources: SourceReport[];
  complete: boolean;
}

const ITEMS_OPENING = Buffer.from('{"items":');

/** A list answer: its JSON (an ImageList, UTF-8), or null when the caller's copy (If-None-Match) is still current (304). */
export interface ListAnswer extends AnswerCaching {
  body: Buffer | null;
  /** The cached page the body was made from (null with no body): its compressed forms are kept with it. */
  cachedPage: CachedPage | null;
  slices: readonly CatalogSlice[];
}

/** One image, and its JSON text (made once per image); both null when the caller's copy is current (304). */
export interface ImageAnswer extends AnswerCaching {
  image: Image | null;
  body: string | null;
}

/** How one list is read: the caller's freshness (`refresh=true` and `Cache-Control`, readFreshness), its ETag, its Prefer. */
export interface ListOptions extends ReadFreshness {
  ifNoneMatch?: string;
  /** `Prefer: handling=strict`: a partial answer is an error, with every source's outcome. */
  strict?: boolean;
}

/** The merged catalog: fan out through the engine, then filter, sort and page over every slice at once. */
@Injectable()
export class ImagesService {
  constructor(
    private readonly engine: CatalogEngine,
    private readonly redactor: SecretRedactor,
    private readonly directory: ProviderDirectory,
    private readonly config: GatewayConfig,
    private readonly answers: AnswerCache,
    private readonly indexes: CatalogIndexes,
  ) {}

  /** Per cached page (kept as long as the answer cache keeps the page): its last assembled body. */
  private readonly lastBodies = new WeakMap<CachedPage, { tail: string; body: Buffer }>();

  async list(query: ListImagesQuery, options: ListOptions): Promise<ListAnswer> {
    const providerIds = this.selectProviders(query.provider);
    const filters: ImageFilters = {
      // Part of the cursor's query: a cursor from one provider selection is refused for another.
      providers: query.provider === undefined ? undefined : providerIds,
      name: query.name,
      osType: query.osType,
      architecture: query.architecture,
      status: query.status,
      visibility: query.visibility,
      region: query.region,
    };
    const sort = query.sort ?? DEFAULT_SORT;
    const limit = query.limit ?? DEFAULT_LIMIT;
    // A bad cursor is refused before any upstream call is spent on it (no cursor, nothing to check).
    if (query.cursor !== undefined) this.page((request) => queryImages([], request), filters, sort, limit, query.cursor);

    const slices = await this.engine.slices(providerIds, options);
    if (slices.every((slice) => slice.status === 'error')) {
      const sources = slices.map((slice) => toSourceReport(slice, 0, this.redactor));
      if (slices.length === 1) throw slices[0].error!;
      throw new GatewayError('ALL_PROVIDERS_FAILED', {
        detail: `every selected provider failed: ${slices.map((s) => `${s.provider} ${s.error?.code}`).join(', ')}`,
        extensions: { sources },
      });
    }
    if (options.strict && slices.some((slice) => slice.status !== 'ok')) {
      throw new GatewayError('UPSTREAM_ERROR', {
        detail: `the answer would be partial, and Prefer: handling=strict refuses that: ${outcomes(slices.filter((slice) => slice.status !== 'ok'))}`,
        extensions: { sources: slices.map((slice) => toSourceReport(slice, 0, this.redactor)) },
      });
    }
    const ttlSeconds = this.config.cacheTtlSeconds;
    // Everything the answer depends on but the catalogs, in a fixed order (`refresh` changes how, not what).
    // The filters in the cursor's canonical form: values as sets, the name folded (the same matches, the same page).
    const queryKey = [providerIds, canonicalFilters(filters), sort, limit, query.cursor];
    const caching: AnswerCaching = { etag: listEtag(queryKey, slices), cacheStatus: cacheStatus(slices, ttlSeconds), maxAgeSeconds: maxAgeSeconds(slices, ttlSeconds) };
    // The caller's copy is current: no filtering, sorting or serialising.
    if (matchesIfNoneMatch(options.ifNoneMatch, caching.etag)) return listAnswer(caching, null, null, slices);

    // The ETag names the query and every catalog's content: a page computed for it stays right while it is the tag.
    let cached = this.answers.get(caching.etag);
    if (!cached) {
      const index = this.indexes.of(slices);
      const page = this.page((request) => index.page(request), filters, sort, limit, query.cursor);
      cached = { itemsJson: Buffer.from(imagesJson(page.items)), page: { limit, total: page.total, nextCursor: page.nextCursor }, countByProvider: page.totalByProvider };
      this.answers.set(caching.etag, cached);
    }
    const sources = slices.map((slice) => toSourceReport(slice, cached.countByProvider[slice.provider] ?? 0, this.redactor));
    const complete = slices.every((slice) => slice.status === 'ok');
    // Byte for byte JSON.stringify of an ImageList ({ items, page, sources, complete }), with the items serialised once.
    const rest = `,"page":${JSON.stringify(cached.page)},"sources":${JSON.stringify(sources)},"complete":${complete}}`;
    return listAnswer(caching, this.assembled(cached, rest), cached, slices);
  }

  /**
   * One image by its gateway id (the engine looks it up, with the list's protection); 404 when its provider has none.
   * Null image: the caller's copy (If-None-Match) is current.
   */
  async get(id: string, requestId: string, ifNoneMatch?: string, freshness?: ReadFreshness): Promise<ImageAnswer> {
    const { provider, localId } = this.directory.owner(id);
    const { image, from } = await this.engine.lookup(provider.id, localId, requestId, freshness);
    if (!image) throw new GatewayError('NOT_FOUND', { detail: `there is no image ${id}` });
    const etag = imageEtag(image);
    const ttlSeconds = this.config.cacheTtlSeconds;
    // An exact lookup is the vendor's word of now: asked, and not promised for longer than this answer.
    const caching: AnswerCaching = from === 'vendor'
      ? { etag, cacheStatus: cacheStatus([], ttlSeconds, 'vendor'), maxAgeSeconds: null }
      : { etag, cacheStatus: cacheStatus([from], ttlSeconds), maxAgeSeconds: maxAgeSeconds([from], ttlSeconds) };
    if (matchesIfNoneMatch(ifNoneMatch, etag)) return imageAnswer(caching, null, null);
    return imageAnswer(caching, image, serialisedImage(image).json);
  }

  /**
   * The page's bytes with this request's tail. The tail (sources' ages and latencies) changes about once a second
   * under load, so the last body made for each page is kept and reused while the tail is the same: no copy per request.
   */
  private assembled(page: CachedPage, tail: string): Buffer {
    const last = this.lastBodies.get(page);
    if (last?.tail === tail) return last.body;
    const body = Buffer.concat([ITEMS_OPENING, page.itemsJson, Buffer.from(tail)]);
    this.lastBodies.set(page, { tail, body });
    return body;
  }

  private selectProviders(provider: string | undefined): string[] {
    const enabled = this.directory.ids;
    if (provider === undefined) return enabled;
    const asked = [...new Set(provider.split(','))];
    const unknown = asked.filter((id) => !enabled.includes(id));
    if (unknown.length > 0) {
      const message = `not an enabled provider: ${unknown.join(', ')} (enabled: ${enabled.join(', ')})`;
      throw new GatewayError('VALIDATION_FAILED', { detail: `provider: ${message}`, errors: [{ field: 'provider', message }] });
    }
    return asked;
  }

  private page(query: (request: PageRequest) => PageResult, filters: ImageFilters, sort: NonNullable<ListImagesQuery['sort']>, limit: number, cursor: string | undefined): PageResult {
    try {
      return query({ filters, sort, limit, cursor });
    } catch (error) {
      if (!(error instanceof InvalidCursorError)) throw error;
      throw new GatewayError('VALIDATION_FAILED', { detail: `cursor: ${error.message}`, errors: [{ field: 'cursor', message: error.message }] });
    }
  }
}

// Field by field, not `{ ...caching, body }`: Node 20's V8 gives an object literal that starts with a spread and goes
// on with more properties a hidden class of its own on every call (from about the ninth), so every answer cost a new
// map: its allocation, page faults and old-space garbage. Node 22's does not.
function listAnswer(caching: AnswerCaching, body: Buffer | null, cachedPage: CachedPage | null, slices: readonly CatalogSlice[]): ListAnswer {
  return { etag: caching.etag, cacheStatus: caching.cacheStatus, maxAgeSeconds: caching.maxAgeSeconds, body, cachedPage, slices };
}

function imageAnswer(caching: AnswerCaching, image: Image | null, body: string | null): ImageAnswer {
  return { etag: caching.etag, cacheStatus: caching.cacheStatus, maxAgeSeconds: caching.maxAgeSeconds, image, body };
}

function toSourceReport(slice: CatalogSlice, count: number, redactor: SecretRedactor): SourceReport {
  return {
    provider: slice.provider,
    status: slice.status,
    cache: slice.cache,
    ...(slice.ageSeconds !== undefined ? { ageSeconds: slice.ageSeconds } : {}),
    count,
    latencyMs: slice.latencyMs,
    // Only a vendor's words can carry a credential back; the rest is ours.
    ...(slice.error ? { error: redactor.value(slice.error.toProblem()) } : {}),
  };
}

/** `didi stale (UPSTREAM_TIMEOUT), ucloud error (UPSTREAM_ERROR)`: each slice's outcome, for a problem's detail. */
function outcomes(slices: readonly CatalogSlice[]): string {
  return slices.map((slice) => `${slice.provider} ${slice.status}${slice.error ? ` (${slice.error.code})` : ''}`).join(', ');
}
