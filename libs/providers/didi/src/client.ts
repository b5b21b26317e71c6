import { SecretRedactor, asInteger, isRecord } from '@images/core';
import { PageResult, UpstreamHttp, UpstreamResponse, fetchAllPages, mapWithConcurrency } from '@images/http';
import { didiAuthHeaders } from './auth';
import { DidiConfig, didiSecrets } from './config';
import { didiBadResponse, readDidiEnvelope } from './errors';

export const DIDI_CIMG_LIST_PATH = '/dicloud/i/storage/cimg/list';
export const DIDI_PAGE_SIZE = 100;
const LIST_OPERATION = 'cimg/list';

export interface RegionalItems {
  regionId: string;
  items: unknown[];
}

/** DiDi's CIMG requests; every call goes through the provider's one UpstreamHttp. */
export class DidiClient {
  private readonly redactor: SecretRedactor;

  constructor(
    private readonly http: UpstreamHttp,
    private readonly config: DidiConfig,
    /** Pages in flight per region after page one. */
    private readonly concurrency: number,
  ) {
    this.redactor = new SecretRedactor(didiSecrets(config));
  }

  /** Every configured region's whole catalog, regions at once; raw items, in region order. */
  listAllRegions(signal: AbortSignal): Promise<RegionalItems[]> {
    return mapWithConcurrency(this.config.regions, this.config.regions.length, async (regionId) => ({
      regionId,
      items: await this.listRegion(regionId, signal),
    }));
  }

  listRegion(regionId: string, signal: AbortSignal): Promise<unknown[]> {
    return fetchAllPages({
      pageSize: DIDI_PAGE_SIZE,
      concurrency: this.concurrency,
      fetchPage: (pageIndex, pageSize) => this.listPage(regionId, pageIndex * pageSize, pageSize, signal),
    });
  }

  listPage(regionId: string, start: number, limit: number, signal: AbortSignal): Promise<PageResult<unknown>> {
    return this.http.call(
      {
        operation: LIST_OPERATION,
        method: 'POST',
        path: DIDI_CIMG_LIST_PATH,
        headers: { ...didiAuthHeaders(this.config.token), 'Content-Type': 'application/json' },
        body: JSON.stringify({ regionId, start, limit }),
        signal,
      },
      (response) => readCimgPage(response, this.redactor),
    );
  }
}

/**
 * `data` is `{count, items}` in the doc's example but an array in its table: both are accepted,
 * an array carrying no total (the pager then walks until a short page).
 */
function readCimgPage(response: UpstreamResponse, redactor: SecretRedactor): PageResult<unknown> {
  const data = readDidiEnvelope(response, LIST_OPERATION, redactor);
  if (Array.isArray(data)) return { items: data, total: null };
  if (isRecord(data) && Array.isArray(data.items)) return { items: data.items, total: asInteger(data.count) };
  throw didiBadResponse(response, LIST_OPERATION, 'no data.items list');
}
