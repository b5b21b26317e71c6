import { CallContext, GatewayError, SecretRedactor, asInteger, isRecord } from '@images/core';
import { PageResult, QueryValue, UpstreamHttp, UpstreamRequest, UpstreamResponse, UpstreamStream, fetchAllPages, providerOf } from '@images/http';
import { CecstackAuth } from './auth';
import { CecstackList } from './mapper';
import { CECSTACK_PROVIDER_ID } from './config';
import { cecstackBadResponse, cecstackFailureOf } from './errors';

export const CECSTACK_PAGE_SIZE = 100;
const BASE = '/api/image/v1';

export type CecstackItem = Record<string, unknown>;

/** The part of a CallContext a vendor call uses: the budget's signal, and its end for retries of reads. */
export type CecstackCall = Pick<CallContext, 'signal' | 'deadline'>;

type Query = ReadonlyArray<readonly [string, QueryValue]>;

interface ListEndpoint {
  operation: string;
  path: string;
  /** Sent before `current` and `size`. */
  query: Query;
}

/** The three lists whose union is the account's catalog. */
export const CECSTACK_LISTS: Readonly<Record<CecstackList, ListEndpoint>> = {
  public: { operation: 'images/list', path: `${BASE}/images`, query: [] },
  private: { operation: 'private-images/list', path: `${BASE}/private-images`, query: [] },
  shared: { operation: 'shared-images/list', path: `${BASE}/shared-images`, query: [['orderBy', 'createdAt:desc']] },
};

export interface CecstackClientOptions {
  regionId: string;
  /** Pages fetched at once after the first, per list. */
  concurrency: number;
  redactor: SecretRedactor;
}

export type CecstackCatalogLists = Record<CecstackList, CecstackItem[]>;

/** One vendor call before headers and auth are added. */
interface VendorRequest {
  operation: string;
  method: UpstreamRequest['method'];
  path: string;
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** An id as one path segment. */
const segment = encodeURIComponent;

/**
 * CECSTACK IMS calls (cecstack-ims-api.md): `x-regionid` on every call, envelope `{requestId, code, message, data}`,
 * lists paged by `current` (1-based) and `size` with `data.total`. Reads may be retried inside the budget; writes never are.
 */
export class CecstackClient {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly auth: CecstackAuth,
    private readonly options: CecstackClientOptions,
  ) {}

  /** The public, private and shared-with-me lists, each fully paged, fetched concurrently. */
  async listCatalogLists(call: CecstackCall): Promise<CecstackCatalogLists> {
    const [publicItems, privateItems, sharedItems] = await Promise.all([
      this.listAll('public', call),
      this.listAll('private', call),
      this.listAll('shared', call),
    ]);
    return { public: publicItems, private: privateItems, shared: sharedItems };
  }

  /** Every page of one list; `filter` is the private list's `name:lk:…|imageId:eq:…`. */
  listAll(list: CecstackList, call: CecstackCall, filter?: string): Promise<CecstackItem[]> {
    return fetchAllPages({
      pageSize: CECSTACK_PAGE_SIZE,
      concurrency: this.options.concurrency,
      fetchPage: (pageIndex, pageSize) => this.listPage(list, pageIndex + 1, pageSize, call, filter),
    });
  }

  listPage(list: CecstackList, current: number, size: number, call: CecstackCall, filter?: string): Promise<PageResult<CecstackItem>> {
    const endpoint = CECSTACK_LISTS[list];
    const query: Query = [...endpoint.query, ...(filter !== undefined ? [['filter', filter] as const] : []), ['current', current], ['size', size]];
    return this.send({ operation: endpoint.operation, method: 'GET', path: endpoint.path, query }, call, (response) => {
      const page = this.listData(response, endpoint.operation);
      return { items: page.list, total: asInteger(page.total) };
    });
  }

  /** GET images/{id} (1.4): the image record, or null when the vendor has no such image (IMG.DBGet.NoData). */
  getImage(providerImageId: string, call: CecstackCall): Promise<CecstackItem | null> {
    const operation = 'images/get';
    return this.send({ operation, method: 'GET', path: `${BASE}/images/${segment(providerImageId)}` }, call, (response) => {
      const failure = cecstackFailureOf(response, operation, this.options.redactor);
      // Only the vendor's own "no such resource" means no image; a bare 404 is a wrong route or a proxy.
      if (failure?.code === 'NOT_FOUND' && failure.upstream?.code !== undefined) return null;
      if (failure) throw failure;
      return this.recordData(response, operation);
    });
  }

  /** The account's own record of an image: the private list filtered by id (the filter matches substrings, so exactly). */
  async findOwnImage(providerImageId: string, call: CecstackCall): Promise<CecstackItem | null> {
    const matches = await this.listAll('private', call, `imageId:eq:${providerImageId}`);
    return matches.find((item) => item.imageId === providerImageId) ?? null;
  }

  /** POST private-images (1.6): the new record's answer (`data`), null when the vendor sends none. */
  createImage(body: CecstackItem, call: CecstackCall): Promise<CecstackItem | null> {
    return this.write({ operation: 'private-images/create', method: 'POST', path: `${BASE}/private-images`, body }, call);
  }

  /** POST private-images/import (1.18). */
  importImage(body: CecstackItem, call: CecstackCall): Promise<CecstackItem | null> {
    return this.write({ operation: 'private-images/import', method: 'POST', path: `${BASE}/private-images/import`, body }, call);
  }

  /** PUT private-images/{id} (1.5): the whole record. */
  async updateImage(providerImageId: string, body: CecstackItem, call: CecstackCall): Promise<void> {
    await this.write({ operation: 'private-images/update', method: 'PUT', path: `${BASE}/private-images/${segment(providerImageId)}`, body }, call);
  }

  /** DELETE private-images/{id} (1.12). */
  async deleteImage(providerImageId: string, call: CecstackCall): Promise<void> {
    await this.write({ operation: 'private-images/delete', method: 'DELETE', path: `${BASE}/private-images/${segment(providerImageId)}` }, call);
  }

  /** DELETE shared-images/{shareId} (1.17): drops an image shared with this account from it. */
  async deleteShare(shareId: string, call: CecstackCall): Promise<void> {
    await this.write({ operation: 'shared-images/delete', method: 'DELETE', path: `${BASE}/shared-images/${segment(shareId)}` }, call);
  }

  /** POST shared-images/{shareId}/copy (1.21): the copy's record, null when the vendor sends none. */
  copyShare(shareId: string, body: CecstackItem, call: CecstackCall): Promise<CecstackItem | null> {
    return this.write({ operation: 'shared-images/copy', method: 'POST', path: `${BASE}/shared-images/${segment(shareId)}/copy`, body }, call);
  }

  /** POST private-images/{id}/upload-prepare (1.7): the object-storage details. Secret: never logged. */
  uploadPrepare(providerImageId: string, sizeBytes: number, call: CecstackCall): Promise<CecstackItem> {
    const operation = 'private-images/upload-prepare';
    const request = { operation, method: 'POST' as const, path: `${BASE}/private-images/${segment(providerImageId)}/upload-prepare`, body: { size: sizeBytes } };
    return this.send(request, call, (response) => {
      const data = this.recordData(response, operation);
      if (typeof data.bucket !== 'string' || data.bucket === '' || typeof data.file !== 'string' || data.file === '') {
        throw cecstackBadResponse(response, operation, 'no bucket and file to upload to');
      }
      return data;
    });
  }

  /** POST private-images/{id}/upload-done (1.9). */
  async uploadDone(providerImageId: string, body: { result: string; uploadId?: string }, call: CecstackCall): Promise<void> {
    await this.write({ operation: 'private-images/upload-done', method: 'POST', path: `${BASE}/private-images/${segment(providerImageId)}/upload-done`, body }, call);
  }

  /** GET private-images/{id}/file (1.11), streamed; `range` is passed as the Range header. */
  downloadFile(providerImageId: string, range: string | undefined, call: CecstackCall): Promise<UpstreamStream> {
    const operation = 'private-images/file';
    const request = this.wire({ operation, method: 'GET', path: `${BASE}/private-images/${segment(providerImageId)}/file`, headers: range !== undefined ? { range } : undefined }, call);
    return this.http.stream(request, (response) => {
      // A 416 without the vendor's envelope is the caller's range, not the vendor failing.
      if (response.status === 416 && !(isRecord(response.json) && typeof response.json.code === 'string')) {
        const size = response.headers['content-range'];
        return new GatewayError('VALIDATION_FAILED', {
          provider: providerOf(response, CECSTACK_PROVIDER_ID),
          detail: `cecstack cannot serve range ${range ?? ''} of this file${size ? ` (${size})` : ''}`,
          errors: [{ field: 'range', message: 'is not satisfiable for this file' }],
          upstream: { status: 416 },
        });
      }
      return cecstackFailureOf(response, operation, this.options.redactor) ?? cecstackBadResponse(response, operation, 'an error status with a success envelope');
    });
  }

  /**
   * GET private-images/{id}/share (1.14), every page. Its table calls `total` the page count while the example
   * shows an item count, so the pages are walked until a short one.
   */
  listShares(providerImageId: string, call: CecstackCall): Promise<CecstackItem[]> {
    const operation = 'private-images/share/list';
    const path = `${BASE}/private-images/${segment(providerImageId)}/share`;
    return fetchAllPages({
      pageSize: CECSTACK_PAGE_SIZE,
      concurrency: 1,
      fetchPage: (pageIndex, size) => this.send({ operation, method: 'GET', path, query: [['current', pageIndex + 1], ['size', size]] }, call, (response) => {
        const items = this.listData(response, operation).list;
        return { items, total: items.length < size ? pageIndex * size + items.length : null };
      }),
    });
  }

  /** POST private-images/{id}/share (1.13). */
  async share(providerImageId: string, body: CecstackItem, call: CecstackCall): Promise<void> {
    await this.write({ operation: 'private-images/share', method: 'POST', path: `${BASE}/private-images/${segment(providerImageId)}/share`, body }, call);
  }

  /** POST private-images/{id}/unshare (1.15: the URL section says unshare; its example repeats the share URL). */
  async unshare(providerImageId: string, body: CecstackItem, call: CecstackCall): Promise<void> {
    await this.write({ operation: 'private-images/unshare', method: 'POST', path: `${BASE}/private-images/${segment(providerImageId)}/unshare`, body }, call);
  }

  /** GET private-images/{id}/oss-bucket-list (1.19): `data` is an array of buckets. */
  ossBucketList(providerImageId: string, call: CecstackCall): Promise<CecstackItem[]> {
    const operation = 'private-images/oss-bucket-list';
    return this.send({ operation, method: 'GET', path: `${BASE}/private-images/${segment(providerImageId)}/oss-bucket-list` }, call, (response) => {
      const data = this.successData(response, operation);
      if (!Array.isArray(data)) throw cecstackBadResponse(response, operation, 'no data array');
      if (!data.every(isRecord)) throw cecstackBadResponse(response, operation, 'a bucket that is not an object');
      return data;
    });
  }

  /** POST custom-images/{id}/export (1.20). */
  async exportImage(providerImageId: string, body: CecstackItem, call: CecstackCall): Promise<void> {
    await this.write({ operation: 'custom-images/export', method: 'POST', path: `${BASE}/custom-images/${segment(providerImageId)}/export`, body }, call);
  }

  /** A write: the answer's `data` when it is a record (the image some writes return), else null. */
  private write(request: VendorRequest, call: CecstackCall): Promise<CecstackItem | null> {
    return this.send(request, call, (response) => {
      const data = this.successData(response, request.operation);
      return isRecord(data) ? data : null;
    });
  }

  private send<T>(request: VendorRequest, call: CecstackCall, interpret: (response: UpstreamResponse) => T): Promise<T> {
    return this.http.call(this.wire(request, call), interpret);
  }

  /** The request as it goes on the wire: `x-regionid`, JSON body, then the auth strategy's headers over all of it. */
  private wire(request: VendorRequest, call: CecstackCall): UpstreamRequest {
    const body = request.body === undefined ? '' : JSON.stringify(request.body);
    const query = request.query ?? [];
    const headers: Record<string, string> = { 'x-regionid': this.options.regionId, ...(body ? { 'content-type': 'application/json' } : {}), ...request.headers };
    const authHeaders = this.auth.headers({ method: request.method, host: this.http.host, path: this.http.wirePath(request.path), query, headers, body });
    const read = request.method === 'GET';
    return {
      operation: request.operation,
      method: request.method,
      path: request.path,
      query,
      headers: { ...headers, ...authHeaders },
      ...(body ? { body } : {}),
      signal: call.signal,
      // The vendor may have acted on a write whose answer was lost: only reads are tried again.
      retry: read,
      ...(read && call.deadline !== undefined ? { deadline: call.deadline } : {}),
    };
  }

  /** `data` of a success envelope; the vendor's error (or a non-envelope) is thrown. */
  private successData(response: UpstreamResponse, operation: string): unknown {
    const failure = cecstackFailureOf(response, operation, this.options.redactor);
    if (failure) throw failure;
    return (response.json as Record<string, unknown>).data;
  }

  private recordData(response: UpstreamResponse, operation: string): CecstackItem {
    const data = this.successData(response, operation);
    if (!isRecord(data)) throw cecstackBadResponse(response, operation, 'no data object');
    return data;
  }

  private listData(response: UpstreamResponse, operation: string): { list: CecstackItem[]; total: unknown } {
    const data = this.successData(response, operation);
    if (!isRecord(data) || !Array.isArray(data.list)) throw cecstackBadResponse(response, operation, 'no data.list array');
    if (!data.list.every(isRecord)) throw cecstackBadResponse(response, operation, 'a data.list entry that is not an object');
    return { list: data.list, total: data.total };
  }
}
