import { CallContext, SecretRedactor, asInteger, asString, isRecord } from '@images/core';
import { PageResult, UpstreamHttp, UpstreamResponse, encodeRfc3986, fetchAllPages } from '@images/http';
import { HuaweiAuth } from './auth';
import { huaweiBadResponse, huaweiErrorFromResponse } from './errors';

/** The vendor's maximum (and default); never 0, which the API would answer with nothing. */
export const HUAWEI_PAGE_SIZE = 100;
const LIST_IMAGES = 'ListImages';

export type HuaweiImageItem = Record<string, unknown>;

export interface HuaweiClientOptions {
  projectId: string;
  /** Pages fetched at once after the first. */
  concurrency: number;
  redactor: SecretRedactor;
}

/** ListImages of Huawei Cloud Workspace: `GET /v2/{project_id}/images?offset=&limit=`. */
export class HuaweiClient {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly auth: HuaweiAuth,
    private readonly options: HuaweiClientOptions,
  ) {}

  /** Every image of the project: page one, then the rest concurrently. */
  listAllImages(call: CallContext): Promise<HuaweiImageItem[]> {
    return fetchAllPages({
      pageSize: HUAWEI_PAGE_SIZE,
      concurrency: this.options.concurrency,
      fetchPage: (pageIndex, pageSize) => this.listImagesPage(pageIndex * pageSize, pageSize, call),
    });
  }

  listImagesPage(offset: number, limit: number, call: CallContext): Promise<PageResult<HuaweiImageItem>> {
    return this.listImages([['offset', offset], ['limit', Math.max(1, limit)]], call);
  }

  /**
   * The items ListImages returns for its `image_id` filter: the cheapest exact lookup the API has.
   * Only the matching item is kept, so a vendor ignoring the filter can never pass another image off as this one.
   */
  async findImage(imageId: string, ctx: CallContext): Promise<HuaweiImageItem | null> {
    const page = await this.listImages([['image_id', imageId]], ctx);
    return page.items.find((item) => asString(item.id) === imageId) ?? null;
  }

  private listImages(query: ReadonlyArray<readonly [string, string | number]>, call: CallContext): Promise<PageResult<HuaweiImageItem>> {
    const path = `/v2/${encodeRfc3986(this.options.projectId)}/images`;
    const headers = { 'X-Project-Id': this.options.projectId };
    const authHeaders = this.auth.headers({ method: 'GET', host: this.http.host, path: this.http.wirePath(path), query, headers, body: '' });
    return this.http.call(
      { operation: LIST_IMAGES, method: 'GET', path, query, headers: { ...headers, ...authHeaders }, signal: call.signal, deadline: call.deadline },
      (response) => this.interpretImagesPage(response),
    );
  }

  private interpretImagesPage(response: UpstreamResponse): PageResult<HuaweiImageItem> {
    if (response.status < 200 || response.status >= 300) throw huaweiErrorFromResponse(response, this.options.redactor);
    const body = response.json;
    if (body === undefined) throw huaweiBadResponse(response, LIST_IMAGES, 'a body that is not JSON');
    if (!isRecord(body) || !Array.isArray(body.images)) throw huaweiBadResponse(response, LIST_IMAGES, 'no images array');
    if (!body.images.every(isRecord)) throw huaweiBadResponse(response, LIST_IMAGES, 'an images entry that is not an object');
    return { items: body.images, total: asInteger(body.total_count) };
  }
}
