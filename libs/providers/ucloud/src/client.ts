import { CallContext, SecretRedactor, asInteger } from '@images/core';
import { PageResult, UpstreamHttp, UpstreamResponse, fetchAllPages } from '@images/http';
import { signUcloudParams } from './auth';
import { UcloudConfig } from './config';
import { readUcloudEnvelope, ucloudBadResponse } from './errors';

export const UCLOUD_LIST_ACTION = 'GetUvodnImage';
export const UCLOUD_PAGE_SIZE = 100;

/** UCloud's Action-style requests, POSTed form-encoded as the official SDKs do. */
export class UcloudClient {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly config: UcloudConfig,
    /** Pages in flight after page one. */
    private readonly concurrency: number,
    private readonly redactor: SecretRedactor,
  ) {}

  /** The whole catalog: raw `ImageList` items in page order. */
  listAll(call: CallContext): Promise<unknown[]> {
    return fetchAllPages({
      pageSize: UCLOUD_PAGE_SIZE,
      concurrency: this.concurrency,
      fetchPage: (pageIndex, pageSize) => this.listPage(pageIndex * pageSize, pageSize, call),
    });
  }

  listPage(offset: number, limit: number, call: CallContext): Promise<PageResult<unknown>> {
    const params = signUcloudParams(
      { Action: UCLOUD_LIST_ACTION, ProjectId: this.config.projectId, Offset: offset, Limit: limit },
      this.config.publicKey,
      this.config.privateKey,
    );
    return this.http.call(
      {
        operation: UCLOUD_LIST_ACTION,
        method: 'POST',
        path: '/',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
        signal: call.signal,
        deadline: call.deadline,
        // GetUvodnImage is a read sent as POST: safe to try again.
        retry: true,
      },
      (response) => readImagePage(response, this.redactor),
    );
  }
}

function readImagePage(response: UpstreamResponse, redactor: SecretRedactor): PageResult<unknown> {
  const body = readUcloudEnvelope(response, UCLOUD_LIST_ACTION, redactor);
  const total = asInteger(body.TotalCount);
  // ImageList is optional in the doc: absent (or null) means no images, unless a total says otherwise.
  if ((body.ImageList === undefined || body.ImageList === null) && (total === null || total === 0)) return { items: [], total };
  if (!Array.isArray(body.ImageList)) throw ucloudBadResponse(response, UCLOUD_LIST_ACTION, 'an ImageList that is not a list');
  return { items: body.ImageList, total };
}
