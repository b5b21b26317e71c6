import { rejectedGatewayError } from '@images/testing';
import { TOKEN, context, createExample, errno, jobAnswer, ok, useFakeDidi, vendor } from './operations-spec-support';

describe('DiDi write operations against a loopback upstream', () => {
  const didi = useFakeDidi();

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
      await failing.upstream.close();

      const shapeless = await didi(() => ok({ jobUuid: JOB }));
      const error = await rejectedGatewayError(shapeless.provider.getOperation!(`bj.${JOB}`, context()));
      expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
      expect(error.detail).toBe('didi answered job/result with no data list of jobs');
    });
  });
});
