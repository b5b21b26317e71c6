import { SecretRedactor, asInteger, isRecord } from '@images/core';
import { PageResult, QueryValue, UpstreamHttp, UpstreamResponse, fetchAllPages } from '@images/http';
import { CecstackAuth } from './auth';
import { CecstackList } from './mapper';
import { cecstackBadResponse, cecstackFailureOf } from './errors';

export const CECSTACK_PAGE_SIZE = 100;

export type CecstackItem = Record<string, unknown>;

interface ListEndpoint {
  operation: string;
  path: string;
  /** Sent before `current` and `size`. */
  query: ReadonlyArray<readonly [string, QueryValue]>;
}

/** The three lists whose union is the account's catalog. */
export const CECSTACK_LISTS: Readonly<Record<CecstackList, ListEndpoint>> = {
  public: { operation: 'images/list', path: '/api/image/v1/images', query: [] },
  private: { operation: 'private-images/list', path: '/api/image/v1/private-images', query: [] },
  shared: { operation: 'shared-images/list', path: '/api/image/v1/shared-images', query: [['orderBy', 'createdAt:desc']] },
};

export interface CecstackClientOptions {
  regionId: string;
  /** Pages fetched at once after the first, per list. */
  concurrency: number;
  redactor: SecretRedactor;
}

export type CecstackCatalogLists = Record<CecstackList, CecstackItem[]>;

/** CECSTACK IMS list calls: `current` (1-based) and `size`, `data.total`, `x-regionid` on every call. */
export class CecstackClient {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly auth: CecstackAuth,
    private readonly options: CecstackClientOptions,
  ) {}

  /** The public, private and shared-with-me lists, each fully paged, fetched concurrently. */
  async listCatalogLists(signal: AbortSignal): Promise<CecstackCatalogLists> {
    const [publicItems, privateItems, sharedItems] = await Promise.all([
      this.listAll('public', signal),
      this.listAll('private', signal),
      this.listAll('shared', signal),
    ]);
    return { public: publicItems, private: privateItems, shared: sharedItems };
  }

  listAll(list: CecstackList, signal: AbortSignal): Promise<CecstackItem[]> {
    return fetchAllPages({
      pageSize: CECSTACK_PAGE_SIZE,
      concurrency: this.options.concurrency,
      fetchPage: (pageIndex, pageSize) => this.listPage(list, pageIndex + 1, pageSize, signal),
    });
  }

  listPage(list: CecstackList, current: number, size: number, signal: AbortSignal): Promise<PageResult<CecstackItem>> {
    const endpoint = CECSTACK_LISTS[list];
    const query = [...endpoint.query, ['current', current], ['size', size]] as const;
    const headers = { 'x-regionid': this.options.regionId };
    const authHeaders = this.auth.headers({ method: 'GET', host: this.http.host, path: this.http.wirePath(endpoint.path), query, headers, body: '' });
    return this.http.call(
      { operation: endpoint.operation, method: 'GET', path: endpoint.path, query, headers: { ...headers, ...authHeaders }, signal },
      (response) => this.interpretListPage(response, endpoint.operation),
    );
  }

  private interpretListPage(response: UpstreamResponse, operation: string): PageResult<CecstackItem> {
    const failure = cecstackFailureOf(response, operation, this.options.redactor);
    if (failure) throw failure;
    const data = isRecord(response.json) ? response.json.data : undefined;
    if (!isRecord(data) || !Array.isArray(data.list)) throw cecstackBadResponse(response, operation, 'no data.list array');
    if (!data.list.every(isRecord)) throw cecstackBadResponse(response, operation, 'a data.list entry that is not an object');
    return { items: data.list, total: asInteger(data.total) };
  }
}
