import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Operation } from '@images/core';
import { didiJobId, mapDidiJob, parseDidiJobId } from './jobs';

/** The Job of DiDi's own cimg/create example (a job just started). */
const docJob: Record<string, unknown> = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'cimg-create-example.json'), 'utf8')).response.data[0];

describe('DiDi job → Operation', () => {
  it('maps the doc example job (done false) as running, region folded into the id', () => {
    expect(mapDidiJob(docJob, 'bj')).toEqual<Operation>({
      id: 'didi:bj.3fd352092a3f553cb124223f6a7f09b4',
      provider: 'didi',
      type: 'CreateCIMG',
      status: 'running',
      progress: 0,
      resourceId: 'didi:14eebc3af5ac42bd88c6444dc56f9e15',
      error: null,
    });
  });

  it('keeps the progress of a running job, rounded and clamped to 0–100', () => {
    expect(mapDidiJob({ ...docJob, progress: 42.6 }, 'bj')?.progress).toBe(43);
    expect(mapDidiJob({ ...docJob, progress: '57' }, 'bj')?.progress).toBe(57);
    expect(mapDidiJob({ ...docJob, progress: 140 }, 'bj')?.progress).toBe(100);
    expect(mapDidiJob({ ...docJob, progress: -3 }, 'bj')?.progress).toBe(0);
    expect(mapDidiJob({ ...docJob, progress: undefined }, 'bj')?.progress).toBe(0);
  });

  it('maps done && success as succeeded at 100, whatever progress DiDi last sent', () => {
    const operation = mapDidiJob({ ...docJob, done: true, success: true, progress: 80, status: 'Success' }, 'gz');
    expect(operation).toMatchObject({ id: 'didi:gz.3fd352092a3f553cb124223f6a7f09b4', status: 'succeeded', progress: 100, error: null });
  });

  it('maps done && !success as failed, its problem carrying the job result', () => {
    const operation = mapDidiJob({ ...docJob, done: true, success: false, progress: 30, result: 'snapshot is being deleted' }, 'bj');
    expect(operation?.status).toBe('failed');
    expect(operation?.progress).toBe(30);
    expect(operation?.error).toEqual({
      type: '/problems/upstream-error',
      title: 'The provider failed',
      status: 502,
      detail: 'didi job CreateCIMG failed: snapshot is being deleted',
      code: 'UPSTREAM_ERROR',
      retryable: true,
      provider: 'didi',
      upstream: { message: 'snapshot is being deleted' },
    });
  });

  it('fails a job without a reason with a problem that says so, and no upstream message', () => {
    const error = mapDidiJob({ ...docJob, done: true, success: false, result: '' }, 'bj')?.error;
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', detail: 'didi job CreateCIMG failed' });
    expect(error).not.toHaveProperty('upstream');
  });

  it('reads booleans sent as strings, and treats a job that is not done as running even when marked success', () => {
    expect(mapDidiJob({ ...docJob, done: 'true', success: 'false' }, 'bj')?.status).toBe('failed');
    expect(mapDidiJob({ ...docJob, done: false, success: true }, 'bj')?.status).toBe('running');
    // A job that does not say it is done is not reported finished (or failed) on a guess.
    expect(mapDidiJob({ ...docJob, done: undefined, success: false }, 'bj')?.status).toBe('running');
  });

  it('falls back to uuid, the given type, and a null resource', () => {
    const { jobUuid, type, resourceUuid, ...rest } = docJob;
    expect([jobUuid, type, resourceUuid]).not.toContain(undefined);
    expect(mapDidiJob(rest, 'bj', 'DeleteCIMG')).toMatchObject({ id: 'didi:bj.3fd352092a3f553cb124223f6a7f09b4', type: 'DeleteCIMG', resourceId: null });
    expect(mapDidiJob({ ...rest, type: 'ImportCIMG' }, 'bj')?.type).toBe('ImportCIMG');
    expect(mapDidiJob({ done: false }, 'bj')).toBeNull();
    expect(mapDidiJob('job', 'bj')).toBeNull();
    expect(mapDidiJob(undefined, 'bj')).toBeNull();
  });
});

describe('DiDi job ids', () => {
  it('round-trips region and job uuid', () => {
    expect(didiJobId('gz', '051f6d7688df5542be1a91123473d0df')).toBe('gz.051f6d7688df5542be1a91123473d0df');
    expect(parseDidiJobId('gz.051f6d7688df5542be1a91123473d0df')).toEqual({ regionId: 'gz', jobUuid: '051f6d7688df5542be1a91123473d0df' });
  });

  it.each(['051f6d7688df5542be1a91123473d0df', '.abc', 'bj.', 'bj.a,b', 'bj.a.b', 'bj.a b', ''])('rejects %j', (jobId) => {
    expect(parseDidiJobId(jobId)).toBeNull();
  });
});
