import { GatewayError, Operation, OperationStatus, asBoolean, asNumber, asString, imageId, isRecord } from '@images/core';
import { DIDI_PROVIDER_ID } from './config';

/**
 * DiDi's job API needs the job's region (`GET /dicloud/i/result?regionId=…&jobUuids=…`) and has no other way
 * to find it, so the job id the gateway hands out carries it: `{regionId}.{jobUuid}`, e.g. `bj.051f6d76…`
 * (Operation id `didi:bj.051f6d76…`). Region ids never contain a dot (DIDI_REGIONS is checked at start-up).
 */
export function didiJobId(regionId: string, jobUuid: string): string {
  return `${regionId}.${jobUuid}`;
}

/** A job uuid as DiDi writes them. A comma would ask `jobUuids` for several jobs, so only these characters pass. */
const JOB_UUID = /^[A-Za-z0-9_-]+$/;

/** The region and job uuid of a job id from `didiJobId`; null for anything the gateway could not have handed out. */
export function parseDidiJobId(jobId: string): { regionId: string; jobUuid: string } | null {
  const dot = jobId.indexOf('.');
  if (dot <= 0) return null;
  const regionId = jobId.slice(0, dot);
  const jobUuid = jobId.slice(dot + 1);
  return JOB_UUID.test(jobUuid) ? { regionId, jobUuid } : null;
}

/** The job uuid of a DiDi Job: `jobUuid`, or `uuid` (real answers carry both, with the same value). */
export function didiJobUuid(job: Record<string, unknown>): string | null {
  return asString(job.jobUuid) ?? asString(job.uuid);
}

/**
 * A DiDi Job (`jobUuid, resourceUuid, type, progress, done, success, result`) → Operation.
 * `done && !success` is a failure, whose problem carries the job's `result` (DiDi's reason); `regionId` is
 * where the job runs, folded into the id. `fallbackType` names a job that does not say its `type`.
 * Null for a job without a uuid (it could not be polled).
 */
export function mapDidiJob(job: unknown, regionId: string, fallbackType = 'unknown', provider: string = DIDI_PROVIDER_ID): Operation | null {
  if (!isRecord(job)) return null;
  const jobUuid = didiJobUuid(job);
  if (jobUuid === null) return null;
  const type = asString(job.type) ?? fallbackType;
  const status = jobStatus(asBoolean(job.done), asBoolean(job.success));
  const resourceUuid = asString(job.resourceUuid);
  return {
    id: `${provider}:${didiJobId(regionId, jobUuid)}`,
    provider,
    type,
    status,
    // A finished job is at 100 whatever DiDi last reported; DiDi's progress may be fractional.
    progress: status === 'succeeded' ? 100 : clampedPercent(asNumber(job.progress)),
    resourceId: resourceUuid === null ? null : imageId(provider, resourceUuid),
    error: status === 'failed' ? didiJobFailure(type, asString(job.result), provider).toProblem() : null,
  };
}

function jobStatus(done: boolean | null, success: boolean | null): OperationStatus {
  if (done !== true) return 'running';
  return success === true ? 'succeeded' : 'failed';
}

function clampedPercent(value: number | null): number {
  if (value === null) return 0;
  return Math.min(100, Math.max(0, Math.round(value)));
}

/** A job DiDi accepted and then failed: the vendor failed, not the caller's request; `reason` is the job's `result`. */
export function didiJobFailure(type: string, reason: string | null, provider: string = DIDI_PROVIDER_ID): GatewayError {
  return new GatewayError('UPSTREAM_ERROR', {
    provider,
    detail: `didi job ${type} failed${reason ? `: ${reason}` : ''}`,
    ...(reason ? { upstream: { message: reason } } : {}),
  });
}
