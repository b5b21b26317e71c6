import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateImageInput, ImageProvider, WriteResult } from '@images/core';
import { FakeAnswer, FakeRequest, FakeUpstream, recordingDeps, rejectedGatewayError, startFakeUpstream } from '@images/testing';
import { didiRegistration } from './index';

const TOKEN = 'didi-token-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e';
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));
/** DiDi's cimg/create example: the request's `cimg` (an object there; the parameter table says array) and the answer. */
const createExample: { request: { cimg: { name: string; snapUuid: string; description: string } }; response: { data: Array<Record<string, unknown>> } } =
  fixture('cimg-create-example.json');
const docItem: Record<string, unknown> = fixture('cimg-list-response.json').data.items[0];
const docJob = createExample.response.data[0];

const ok = (data: unknown): FakeAnswer => ({ body: { errno: 0, errmsg: 'ok', requestId: 'req-ok', data } });
const errno = (code: number, errmsg: string): FakeAnswer => ({ body: { errno: code, errmsg, requestId: `req-${code}`, data: null } });
const job = (fields: Record<string, unknown>) => ({ ...docJob, ...fields });
const jobAnswer = (fields: Record<string, unknown>): FakeAnswer => ok([job(fields)]);
const item = (cimgUuid: string, fields: Record<string, unknown> = {}) => ({ ...docItem, cimgUuid, ...fields });
const bodyOf = (request: FakeRequest) => JSON.parse(request.body);
const context = () => ({ signal: AbortSignal.timeout(5000) });

const LIST = '/dicloud/i/storage/cimg/list';
type Handler = (request: FakeRequest) => FakeAnswer;
/** Routes by path: `cimg/list` answers each region's items, every other path its own handler. */
function vendor(routes: Record<string, Handler>, catalogs: Record<string, unknown[]> = {}): Handler {
  return (request) => {
    if (request.path === LIST) {
      const { regionId, start, limit } = bodyOf(request);
      const items = catalogs[regionId] ?? [];
      return ok({ count: items.length, items: items.slice(start, start + limit) });
    }
    const route = routes[request.path];
    return route ? route(request) : { status: 404, body: 'no route' };
  };
}

describe('DiDi write operations against a loopback upstream', () => {
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  async function didi(handler: Handler, regions = 'bj') {
    upstream = await startFakeUpstream(handler);
    const deps = recordingDeps();
    const config = didiRegistration.fromEnv({ DIDI_TOKEN: TOKEN, DIDI_REGIONS: regions, DIDI_ENDPOINT: upstream.url })!;
    const provider: ImageProvider = didiRegistration.create(config, deps);
    return { provider, deps, upstream };
  }

  function expectJsonPost(request: FakeRequest, path: string) {
    expect(request.method).toBe('POST');
    expect(request.path).toBe(path);
    expect(request.rawQuery).toBe('');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['content-type']).toBe('application/json');
  }

  const writes = (u: FakeUpstream) => u.requests.filter((r) => r.path !== LIST);

  describe('createImage (cimg/create)', () => {
    const input: CreateImageInput = { name: createExample.request.cimg.name, description: createExample.request.cimg.description, fromSnapshot: createExample.request.cimg.snapUuid };

    it('sends the doc example as a one-entry cimg array with the default region, and answers its job as a running operation', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/create': () => ({ body: createExample.response }) }), 'bj,gz');

      const result = await provider.createImage!(input, context());

      expect(upstream.requests).toHaveLength(1);
      expectJsonPost(upstream.requests[0], '/dicloud/i/storage/cimg/create');
      expect(bodyOf(upstream.requests[0])).toEqual({ regionId: 'bj', cimg: [createExample.request.cimg] });
      expect(result).toEqual<WriteResult>({
        accepted: true,
        image: null,
        operation: {
          id: 'didi:bj.3fd352092a3f553cb124223f6a7f09b4',
          provider: 'didi',
          type: 'CreateCIMG',
          status: 'running',
          progress: 0,
          resourceId: 'didi:14eebc3af5ac42bd88c6444dc56f9e15',
          error: null,
        },
      });
    });

    it('creates in the region asked for, and sends no description when none is given', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/create': () => ({ body: createExample.response }) }), 'bj,gz');

      const result = await provider.createImage!({ name: 'web', region: 'gz', fromSnapshot: 'snap-1' }, context());

      expect(bodyOf(upstream.requests[0])).toEqual({ regionId: 'gz', cimg: [{ name: 'web', snapUuid: 'snap-1' }] });
      expect(result.operation?.id).toBe('didi:gz.3fd352092a3f553cb124223f6a7f09b4');
    });

    it('refuses a region outside DIDI_REGIONS before any vendor call', async () => {
      const { provider, upstream } = await didi(vendor({}), 'bj,gz');
      const error = await rejectedGatewayError(provider.createImage!({ ...input, region: 'sh' }, context()));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.errors).toEqual([{ field: 'region', message: 'region must be one of the configured DiDi regions (bj, gz)' }]);
      expect(upstream.requests).toHaveLength(0);
    });

    it('refuses a missing snapshot and fields cimg/create has no place for, naming each', async () => {
      const { provider, upstream } = await didi(vendor({}));
      const error = await rejectedGatewayError(provider.createImage!({ name: 'web', diskFormat: 'qcow2', fromUrl: 'https://x/y.qcow2' }, context()));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.errors?.map((e) => e.field)).toEqual(['diskFormat', 'fromUrl', 'fromSnapshot']);
      expect(upstream.requests).toHaveLength(0);
    });

    it.each<[number, string, string]>([
      [41017, 'snapshot query failed', 'NOT_FOUND'],
      [16000002, 'region lookup failed', 'VALIDATION_FAILED'],
      [1100020, 'insufficient balance', 'FORBIDDEN'],
    ])('translates errno %i (%s) to %s, with one call only', async (code, errmsg, problem) => {
      const { provider, upstream, deps } = await didi(vendor({ '/dicloud/i/storage/cimg/create': () => errno(code, errmsg) }));
      const error = await rejectedGatewayError(provider.createImage!(input, context()));
      expect(error.code).toBe(problem);
      expect(error.upstream).toEqual({ status: 200, code: String(code), message: errmsg, requestId: `req-${code}` });
      expect(upstream.requests).toHaveLength(1);
      expect(deps.events).toEqual([expect.objectContaining({ operation: 'cimg/create', method: 'POST', problemCode: problem, unknownVendorCode: false })]);
    });

    it.each<[string, FakeAnswer, string]>([
      ['a 503', { status: 503, body: 'busy' }, 'UPSTREAM_UNAVAILABLE'],
      ['a reset', { reset: true }, 'UPSTREAM_UNAVAILABLE'],
      ['a system error', { body: { errno: 2, errmsg: 'system error', requestId: 'r', data: null } }, 'UPSTREAM_ERROR'],
    ])('never retries a write, even after %s', async (_label, answer, problem) => {
      const { provider, upstream } = await didi(() => answer);
      expect((await rejectedGatewayError(provider.createImage!(input, context()))).code).toBe(problem);
      expect(upstream.requests).toHaveLength(1);
    });

    it('calls an answer without a job a bad response', async () => {
      const { provider } = await didi(() => ok([]));
      const error = await rejectedGatewayError(provider.createImage!(input, context()));
      expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
      expect(error.detail).toBe('didi answered cimg/create with no job in data');
    });

    it('answers a job that already failed as the failure of the write, with its reason', async () => {
      const { provider } = await didi(() => jobAnswer({ done: true, success: false, result: 'snapshot not ready' }));
      const error = await rejectedGatewayError(provider.createImage!(input, context()));
      expect(error.code).toBe('UPSTREAM_ERROR');
      expect(error.detail).toBe('didi job CreateCIMG failed: snapshot not ready');
    });

    it('answers a job that is already done as a finished write, not an accepted one', async () => {
      const { provider } = await didi(() => jobAnswer({ done: true, success: true }));
      const result = await provider.createImage!(input, context());
      expect(result.accepted).toBe(false);
      expect(result.operation).toMatchObject({ status: 'succeeded', progress: 100 });
    });
  });

  describe('updateImage (cimg/changeName)', () => {
    const renamed = jobAnswer({ jobUuid: '72e3500c85675df7b59a025e5e784426', uuid: '72e3500c85675df7b59a025e5e784426', type: 'ChangeCIMGName', resourceUuid: 'img-1' });

    it('renames in the only configured region without listing first', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/changeName': () => renamed }));

      const result = await provider.updateImage!('img-1', { name: '北京03' }, context());

      expect(upstream.requests).toHaveLength(1);
      expectJsonPost(upstream.requests[0], '/dicloud/i/storage/cimg/changeName');
      expect(bodyOf(upstream.requests[0])).toEqual({ regionId: 'bj', cimg: [{ cimgUuid: 'img-1', name: '北京03' }] });
      expect(result).toEqual<WriteResult>({
        accepted: true,
        image: null,
        operation: { id: 'didi:bj.72e3500c85675df7b59a025e5e784426', provider: 'didi', type: 'ChangeCIMGName', status: 'running', progress: 0, resourceId: 'didi:img-1', error: null },
      });
    });

    it('renames in the region whose list holds the image when several are configured', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/changeName': () => renamed }, { bj: [item('other')], gz: [item('img-1', { regions: ['gz'] })] }), 'bj,gz');
      const result = await provider.updateImage!('img-1', { name: 'web' }, context());
      expect(writes(upstream).map(bodyOf)).toEqual([{ regionId: 'gz', cimg: [{ cimgUuid: 'img-1', name: 'web' }] }]);
      expect(result.operation?.id).toBe('didi:gz.72e3500c85675df7b59a025e5e784426');
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['a description', { description: 'new text' }, ['description']],
      ['a name with other fields', { name: 'web', minDiskGiB: 20, osType: 'linux' }, ['minDiskGiB', 'osType']],
      ['nothing', {}, ['name']],
    ])('refuses %s with VALIDATION_FAILED naming the fields, sending nothing', async (_label, patch, fields) => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/changeName': () => renamed }));
      const error = await rejectedGatewayError(provider.updateImage!('img-1', patch, context()));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.errors?.map((e) => e.field)).toEqual(fields);
      expect(upstream.requests).toHaveLength(0);
    });

    it('translates errno 41026 (image query failed) to NOT_FOUND', async () => {
      const { provider } = await didi(() => errno(41026, 'image query failed'));
      expect((await rejectedGatewayError(provider.updateImage!('gone', { name: 'web' }, context()))).code).toBe('NOT_FOUND');
    });
  });

  describe('deleteImage (cimg/delete)', () => {
    const deleted = jobAnswer({ jobUuid: '7b78be0bd59e5938bf149f60f0958b09', uuid: '7b78be0bd59e5938bf149f60f0958b09', type: 'DeleteCIMG', resourceUuid: 'img-1' });

    it('deletes in the only configured region', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/delete': () => deleted }));

      const result = await provider.deleteImage!('img-1', context());

      expect(upstream.requests).toHaveLength(1);
      expectJsonPost(upstream.requests[0], '/dicloud/i/storage/cimg/delete');
      expect(bodyOf(upstream.requests[0])).toEqual({ regionId: 'bj', cimg: [{ cimgUuid: 'img-1' }] });
      expect(result).toEqual<WriteResult>({
        accepted: true,
        image: null,
        operation: { id: 'didi:bj.7b78be0bd59e5938bf149f60f0958b09', provider: 'didi', type: 'DeleteCIMG', status: 'running', progress: 0, resourceId: 'didi:img-1', error: null },
      });
    });

    it('deletes in the region whose list holds the image', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/delete': () => deleted }, { bj: [], gz: [item('img-1')] }), 'bj,gz');
      await provider.deleteImage!('img-1', context());
      expect(upstream.requests.filter((r) => r.path === LIST).map((r) => bodyOf(r).regionId).sort()).toEqual(['bj', 'gz']);
      expect(writes(upstream).map(bodyOf)).toEqual([{ regionId: 'gz', cimg: [{ cimgUuid: 'img-1' }] }]);
    });

    it('answers NOT_FOUND, deleting nothing, when no configured region lists the image', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/delete': () => deleted }, { bj: [item('a')], gz: [item('b')] }), 'bj,gz');
      const error = await rejectedGatewayError(provider.deleteImage!('img-1', context()));
      expect(error.code).toBe('NOT_FOUND');
      expect(writes(upstream)).toHaveLength(0);
    });

    it('fails the delete without sending it when the lookup list fails', async () => {
      const { provider, upstream } = await didi((request) => (request.path === LIST ? errno(4, 'authentication failed') : deleted), 'bj,gz');
      expect((await rejectedGatewayError(provider.deleteImage!('img-1', context()))).code).toBe('UPSTREAM_AUTH_FAILED');
      expect(writes(upstream)).toHaveLength(0);
    });
  });

  describe('copyImage (cimg/import)', () => {
    const imported = jobAnswer({ jobUuid: '051f6d7688df5542be1a91123473d0df', uuid: '051f6d7688df5542be1a91123473d0df', type: 'ImportCIMG', resourceUuid: 'cbdba09c4ad4475f9f3d399947aaa99e' });

    it('imports into the target region from the region the catalog lists the image in', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': () => imported }, { bj: [item('4a48f88391134a01befe88ff98b68af8', { regions: ['bj'] })], gz: [] }), 'bj,gz');

      const result = await provider.copyImage!('4a48f88391134a01befe88ff98b68af8', { name: 'copy of 北京02', description: 'openapi test', region: 'gz' }, context());

      const [request] = writes(upstream);
      expectJsonPost(request, '/dicloud/i/storage/cimg/import');
      expect(bodyOf(request)).toEqual({
        regionId: 'gz',
        cimg: [{ name: 'copy of 北京02', originImageUuid: '4a48f88391134a01befe88ff98b68af8', originRegionId: 'bj', description: 'openapi test' }],
      });
      expect(result).toEqual<WriteResult>({
        accepted: true,
        image: null,
        operation: {
          id: 'didi:gz.051f6d7688df5542be1a91123473d0df',
          provider: 'didi',
          type: 'ImportCIMG',
          status: 'running',
          progress: 0,
          resourceId: 'didi:cbdba09c4ad4475f9f3d399947aaa99e',
          error: null,
        },
      });
    });

    it('takes an origin other than the target when the image is in several regions', async () => {
      const both = item('img-1', { regions: ['bj', 'gz'] });
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': () => imported }, { bj: [both], gz: [both], sh: [] }), 'bj,gz,sh');
      await provider.copyImage!('img-1', { name: 'copy', region: 'bj' }, context());
      expect(bodyOf(writes(upstream)[0])).toEqual({ regionId: 'bj', cimg: [{ name: 'copy', originImageUuid: 'img-1', originRegionId: 'gz' }] });
    });

    it.each<[string, string | undefined, string]>([
      ['no target region', undefined, 'region (the target DiDi region) is required for a DiDi copy'],
      ['a target outside DIDI_REGIONS', 'sh', 'region must be one of the configured DiDi regions (bj, gz)'],
    ])('refuses %s before any call', async (_label, region, message) => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': () => imported }, { bj: [item('img-1')] }), 'bj,gz');
      const error = await rejectedGatewayError(provider.copyImage!('img-1', { name: 'copy', region }, context()));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.errors).toEqual([{ field: 'region', message }]);
      expect(upstream.requests).toHaveLength(0);
    });

    it('answers CONFLICT for an image shared with the account, which DiDi does not copy', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': () => imported }, { bj: [item('img-1', { isShared: true })] }), 'bj,gz');
      const error = await rejectedGatewayError(provider.copyImage!('img-1', { name: 'copy', region: 'gz' }, context()));
      expect(error.code).toBe('CONFLICT');
      expect(writes(upstream)).toHaveLength(0);
    });

    it('answers NOT_FOUND for an image no configured region lists', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': () => imported }, { bj: [item('other')] }));
      expect((await rejectedGatewayError(provider.copyImage!('img-1', { name: 'copy', region: 'bj' }, context()))).code).toBe('NOT_FOUND');
      expect(writes(upstream)).toHaveLength(0);
    });
  });

  describe('getOperation (GET /dicloud/i/result)', () => {
    const JOB = '051f6d7688df5542be1a91123473d0df';
    const result = (fields: Record<string, unknown>) => vendor({ '/dicloud/i/result': () => jobAnswer({ jobUuid: JOB, uuid: JOB, type: 'ImportCIMG', resourceUuid: 'new-img', ...fields }) });

    it('asks the job region for the job uuid, with the token and no body', async () => {
      const { provider, upstream, deps } = await didi(result({ progress: 35 }), 'bj,gz');

      const operation = await provider.getOperation!(`gz.${JOB}`, context());

      expect(upstream.requests).toHaveLength(1);
      const [request] = upstream.requests;
      expect(request.method).toBe('GET');
      expect(request.path).toBe('/dicloud/i/result');
      expect(request.rawQuery).toBe(`regionId=gz&jobUuids=${JOB}`);
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request.body).toBe('');
      expect(operation).toEqual({ id: `didi:gz.${JOB}`, provider: 'didi', type: 'ImportCIMG', status: 'running', progress: 35, resourceId: 'didi:new-img', error: null });
      expect(deps.events).toEqual([expect.objectContaining({ operation: 'job/result', method: 'GET', httpStatus: 200 })]);
    });

    it('polls the operation a write handed out', async () => {
      const { provider, upstream } = await didi(vendor({
        '/dicloud/i/storage/cimg/create': () => ({ body: createExample.response }),
        '/dicloud/i/result': () => jobAnswer({ done: true, success: true, progress: 100 }),
      }), 'gz,bj');
      const { operation } = await provider.createImage!({ name: 'web', fromSnapshot: 'snap-1' }, context());
      const polled = await provider.getOperation!(operation!.id.slice('didi:'.length), context());
      expect(upstream.requests[1].rawQuery).toBe('regionId=gz&jobUuids=3fd352092a3f553cb124223f6a7f09b4');
      expect(polled).toEqual({ ...operation, status: 'succeeded', progress: 100 });
    });

    it('reports a failed job with the job result as its problem', async () => {
      const { provider } = await didi(result({ done: true, success: false, progress: 60, result: 'origin image is deleting' }));
      const operation = await provider.getOperation!(`bj.${JOB}`, context());
      expect(operation.status).toBe('failed');
      expect(operation.error).toMatchObject({ code: 'UPSTREAM_ERROR', status: 502, provider: 'didi', detail: 'didi job ImportCIMG failed: origin image is deleting', upstream: { message: 'origin image is deleting' } });
    });

    it('never lets the token into a job result', async () => {
      const { provider } = await didi(result({ done: true, success: false, result: `token ${TOKEN} has no permission` }));
      const operation = await provider.getOperation!(`bj.${JOB}`, context());
      expect(JSON.stringify(operation)).not.toContain(TOKEN);
      expect(operation.error?.detail).toBe('didi job ImportCIMG failed: token [REDACTED] has no permission');
    });

    it('answers NOT_FOUND when DiDi reports no such job', async () => {
      const { provider } = await didi(vendor({ '/dicloud/i/result': () => ok([]) }));
      const error = await rejectedGatewayError(provider.getOperation!(`bj.${JOB}`, context()));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.detail).toBe(`didi knows no job ${JOB} in region bj`);
    });

    it.each([`sh.${JOB}`, JOB, 'bj.a,b', ''])('answers NOT_FOUND for %j, an id it never handed out, without a call', async (jobId) => {
      const { provider, upstream } = await didi(result({}), 'bj,gz');
      expect((await rejectedGatewayError(provider.getOperation!(jobId, context()))).code).toBe('NOT_FOUND');
      expect(upstream.requests).toHaveLength(0);
    });

    it('translates an errno and calls a data that is not a list a bad response', async () => {
      const failing = await didi(() => errno(16000002, 'region lookup failed'));
      expect((await rejectedGatewayError(failing.provider.getOperation!(`bj.${JOB}`, context()))).code).toBe('VALIDATION_FAILED');
      await upstream?.close();

      const shapeless = await didi(() => ok({ jobUuid: JOB }));
      const error = await rejectedGatewayError(shapeless.provider.getOperation!(`bj.${JOB}`, context()));
      expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
      expect(error.detail).toBe('didi answered job/result with no data list of jobs');
    });
  });
});
