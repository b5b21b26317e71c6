import { CallContext, SecretRedactor, asInteger, isRecord } from '@images/core';
import { PageResult, UpstreamHttp, UpstreamResponse, fetchAllPages, mapWithConcurrency } from '@images/http';
import { didiAuthHeaders } from './auth';
import { DidiConfig } from './config';
import { didiBadResponse, readDidiEnvelope } from './errors';
import { didiJobUuid } from './jobs';

export const DIDI_CIMG_LIST_PATH = '/dicloud/i/storage/cimg/list';
export const DIDI_CIMG_CREATE_PATH = '/dicloud/i/storage/cimg/create';
export const DIDI_CIMG_IMPORT_PATH = '/dicloud/i/storage/cimg/import';
export const DIDI_CIMG_DELETE_PATH = '/dicloud/i/storage/cimg/delete';
export const DIDI_CIMG_CHANGE_NAME_PATH = '/dicloud/i/storage/cimg/changeName';
export const DIDI_JOB_RESULT_PATH = '/dicloud/i/result';
export const DIDI_PAGE_SIZE = 100;
const LIST_OPERATION = 'cimg/list';
const JOB_RESULT_OPERATION = 'job/result';

/** `cimg/create` input: an image from a snapshot. */
export interface DidiCreateCimg {
  name: string;
  snapUuid: string;
  description?: string;
}

/** `cimg/import` input: a copy of an image of another region (the request's `regionId` is the target). */
export interface DidiImportCimg {
  name: string;
  originImageUuid: string;
  originRegionId: string;
  description?: string;
}

/** A DiDi Job as sent: `jobUuid, resourceUuid, type, progress, done, success, result`. */
export type DidiJob = Record<string, unknown>;

export interface RegionalItems {
  regionId: string;
  items: unknown[];
}

/** DiDi's CIMG requests; every call goes through the provider's one UpstreamHttp. */
export class DidiClient {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly config: DidiConfig,
    /** Pages in flight per region after page one. */
    private readonly concurrency: number,
    private readonly redactor: SecretRedactor,
  ) {}

  /** Every configured region's whole catalog, regions at once; raw items, in region order. */
  listAllRegions(call: CallContext): Promise<RegionalItems[]> {
    return mapWithConcurrency(this.config.regions, this.config.regions.length, async (regionId) => ({
      regionId,
      items: await this.listRegion(regionId, call),
    }));
  }

  listRegion(regionId: string, call: CallContext): Promise<unknown[]> {
    return fetchAllPages({
      pageSize: DIDI_PAGE_SIZE,
      concurrency: this.concurrency,
      fetchPage: (pageIndex, pageSize) => this.listPage(regionId, pageIndex * pageSize, pageSize, call),
    });
  }

  listPage(regionId: string, start: number, limit: number, call: CallContext): Promise<PageResult<unknown>> {
    return this.http.call(
      {
        operation: LIST_OPERATION,
        method: 'POST',
        path: DIDI_CIMG_LIST_PATH,
        headers: { ...didiAuthHeaders(this.config.token), 'Content-Type': 'application/json' },
        body: JSON.stringify({ regionId, start, limit }),
        signal: call.signal,
        deadline: call.deadline,
        // A read sent as POST: safe to try again.
        retry: true,
      },
      (response) => readCimgPage(response, this.redactor),
    );
  }

  // Writes: one call each, never retried (a retry could create or delete twice). `cimg` is an array as the
  // parameter tables say (two of DiDi's curl examples show an object); each call starts one job.

  createCimg(regionId: string, cimg: DidiCreateCimg, signal: AbortSignal): Promise<DidiJob> {
    return this.startJob('cimg/create', DIDI_CIMG_CREATE_PATH, { regionId, cimg: [cimg] }, signal);
  }

  importCimg(regionId: string, cimg: DidiImportCimg, signal: AbortSignal): Promise<DidiJob> {
    return this.startJob('cimg/import', DIDI_CIMG_IMPORT_PATH, { regionId, cimg: [cimg] }, signal);
  }

  deleteCimg(regionId: string, cimgUuid: string, signal: AbortSignal): Promise<DidiJob> {
    return this.startJob('cimg/delete', DIDI_CIMG_DELETE_PATH, { regionId, cimg: [{ cimgUuid }] }, signal);
  }

  changeCimgName(regionId: string, cimgUuid: string, name: string, signal: AbortSignal): Promise<DidiJob> {
    return this.startJob('cimg/changeName', DIDI_CIMG_CHANGE_NAME_PATH, { regionId, cimg: [{ cimgUuid, name }] }, signal);
  }

  /** The jobs DiDi reports for `jobUuid` in `regionId` (empty when it knows none). */
  jobResults(regionId: string, jobUuid: string, ctx: CallContext): Promise<DidiJob[]> {
    return this.http.call(
      {
        operation: JOB_RESULT_OPERATION,
        method: 'GET',
        path: DIDI_JOB_RESULT_PATH,
        query: [['regionId', regionId], ['jobUuids', jobUuid]],
        headers: didiAuthHeaders(this.config.token),
        signal: ctx.signal,
        // A read: the wrapper may retry it, within the caller's budget.
        deadline: ctx.deadline,
      },
      (response) => {
        const data = readDidiEnvelope(response, JOB_RESULT_OPERATION, this.redactor);
        if (!Array.isArray(data)) throw didiBadResponse(response, JOB_RESULT_OPERATION, 'no data list of jobs');
        // A job's `result` is free text that ends up in a 200 answer, outside the problem filter's scrubbing.
        return this.redactor.value(data.filter(isRecord));
      },
    );
  }

  private startJob(operation: string, path: string, body: Record<string, unknown>, signal: AbortSignal): Promise<DidiJob> {
    return this.http.call(
      {
        operation,
        method: 'POST',
        path,
        headers: { ...didiAuthHeaders(this.config.token), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal,
        retry: false,
      },
      (response) => {
        const data = readDidiEnvelope(response, operation, this.redactor);
        const job = Array.isArray(data) ? data.find((entry) => isRecord(entry) && didiJobUuid(entry) !== null) : undefined;
        // Accepted work without a job to follow would leave the caller nothing to poll.
        if (!isRecord(job)) throw didiBadResponse(response, operation, 'no job in data');
        return this.redactor.value(job);
      },
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
