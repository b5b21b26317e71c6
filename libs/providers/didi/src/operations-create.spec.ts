import { CreateImageInput, WriteResult } from '@images/core';
import { FakeAnswer, rejectedGatewayError } from '@images/testing';
import { bodyOf, context, createExample, errno, expectJsonPost, jobAnswer, ok, useFakeDidi, vendor } from './operations-spec-support';

describe('DiDi write operations against a loopback upstream', () => {
  const didi = useFakeDidi();

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
});
