import { ImageProvider, WriteResult } from '@images/core';
import { rejectedGatewayError } from '@images/testing';
import { TOKEN, bodyOf, context, createExample, item, ok, useFakeDidi, vendor, writes } from './operations-spec-support';

// Answers the DiDi docs do not promise (odd job lists, images listed in one region but naming others), and the
// messages a refused write carries.

const JOB = '051f6d7688df5542be1a91123473d0df';
const docJob = createExample.response.data[0];

describe('DiDi provider against odd vendor answers', () => {
  const didi = useFakeDidi();

  it('finds its job among entries that are not jobs or are other jobs, by uuid alone', async () => {
    const { provider } = await didi(vendor({
      '/dicloud/i/result': () => ok([null, 'job', { ...docJob, jobUuid: 'other', uuid: 'other' }, { ...docJob, jobUuid: undefined, uuid: JOB, progress: 12 }]),
    }));
    expect(await provider.getOperation!(`bj.${JOB}`, context())).toMatchObject({ id: `didi:bj.${JOB}`, progress: 12, status: 'running' });
  });

  it('calls a polled job that does not say its type "unknown"', async () => {
    const { provider } = await didi(vendor({ '/dicloud/i/result': () => ok([{ ...docJob, jobUuid: JOB, uuid: JOB, type: undefined }]) }));
    expect((await provider.getOperation!(`bj.${JOB}`, context())).type).toBe('unknown');
  });

  it.each<[string, string, (provider: ImageProvider) => Promise<WriteResult>]>([
    ['a create', 'CreateCIMG', (p) => p.createImage!({ name: 'web', fromSnapshot: 'snap-1' }, context())],
    ['a rename', 'ChangeCIMGName', (p) => p.updateImage!('img-1', { name: 'web' }, context())],
    ['a delete', 'DeleteCIMG', (p) => p.deleteImage!('img-1', context())],
    ['a copy', 'ImportCIMG', (p) => p.copyImage!('img-1', { name: 'copy', region: 'bj' }, context())],
  ])('names the job of %s that does not say its type %s', async (_label, type, write) => {
    const typeless = () => ok([{ ...docJob, jobUuid: JOB, uuid: JOB, type: undefined }]);
    const { provider } = await didi(vendor({
      '/dicloud/i/storage/cimg/create': typeless, '/dicloud/i/storage/cimg/changeName': typeless, '/dicloud/i/storage/cimg/delete': typeless, '/dicloud/i/storage/cimg/import': typeless,
    }, { bj: [item('img-1')] }));
    expect((await write(provider)).operation?.type).toBe(type);
  });

  it('follows the first entry of a write answer that is a job with a uuid', async () => {
    const { provider } = await didi(vendor({
      '/dicloud/i/storage/cimg/create': () => ok([null, { ...docJob, jobUuid: undefined, uuid: undefined }, { ...docJob, jobUuid: JOB, uuid: JOB }]),
    }));
    const result = await provider.createImage!({ name: 'web', fromSnapshot: 'snap-1' }, context());
    expect(result.operation?.id).toBe(`didi:bj.${JOB}`);
  });

  it('never lets the token into the failure of a write whose job already failed', async () => {
    const { provider } = await didi(vendor({ '/dicloud/i/storage/cimg/create': () => ok([{ ...docJob, done: true, success: false, result: `token ${TOKEN} expired` }]) }));
    const error = await rejectedGatewayError(provider.createImage!({ name: 'web', fromSnapshot: 'snap-1' }, context()));
    expect(error.detail).toBe('didi job CreateCIMG failed: token [REDACTED] expired');
  });

  it('calls a write answer whose data is not a list a bad response', async () => {
    const { provider } = await didi(vendor({ '/dicloud/i/storage/cimg/create': () => ok({ ...docJob }) }));
    expect((await rejectedGatewayError(provider.createImage!({ name: 'web', fromSnapshot: 'snap-1' }, context()))).detail).toBe('didi answered cimg/create with no job in data');
  });

  it('logs no skipped items when every item has a cimgUuid', async () => {
    const { provider, deps } = await didi(vendor({}, { bj: [item('a'), item('b')] }));
    expect(await provider.listCatalog(context())).toHaveLength(2);
    expect(deps.logLines.filter((line) => line.includes('skipped'))).toEqual([]);
  });

  describe('the origin region of a copy', () => {
    const imported = () => ok([{ ...docJob, jobUuid: JOB, uuid: JOB, type: 'ImportCIMG' }]);

    it('is a region the image names when only the target region lists it', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': imported }, { bj: [item('img-1', { regions: ['bj', 'gz'] })], gz: [] }), 'bj,gz');
      await provider.copyImage!('img-1', { name: 'copy', region: 'bj' }, context());
      expect(bodyOf(writes(upstream)[0]).cimg[0].originRegionId).toBe('gz');
    });

    it('is the target itself when the image is nowhere else', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': imported }, { bj: [item('img-1', { regions: ['bj'] })], gz: [] }), 'bj,gz');
      const result = await provider.copyImage!('img-1', { name: 'copy', region: 'bj' }, context());
      expect(bodyOf(writes(upstream)[0])).toEqual({ regionId: 'bj', cimg: [{ name: 'copy', originImageUuid: 'img-1', originRegionId: 'bj' }] });
      expect(result).toMatchObject({ accepted: true, image: null, operation: { type: 'ImportCIMG' } });
    });

    it('refuses a shared image saying why', async () => {
      const { provider } = await didi(vendor({}, { bj: [item('img-1', { isShared: 'true' })] }), 'bj,gz');
      const error = await rejectedGatewayError(provider.copyImage!('img-1', { name: 'copy', region: 'gz' }, context()));
      expect(error).toMatchObject({ code: 'CONFLICT', provider: 'didi', detail: 'didi:img-1 is shared with this account, and DiDi does not copy shared images' });
    });

    it('(a delete, likewise) answers NOT_FOUND naming the regions looked in, skipping malformed items', async () => {
      const { provider } = await didi(vendor({}, { bj: [], gz: [null, { name: 'no uuid' }] }), 'bj,gz');
      const error = await rejectedGatewayError(provider.deleteImage!('img-1', context()));
      expect(error).toMatchObject({ code: 'NOT_FOUND', provider: 'didi', detail: 'didi lists no image img-1 in bj, gz' });
    });
  });

  describe('refusals', () => {
    it('names every refused create field in the detail, an empty snapshot included', async () => {
      const { provider, upstream } = await didi(vendor({}), 'bj,gz');
      const error = await rejectedGatewayError(provider.createImage!({ name: 'web', fromSnapshot: '', minDiskGiB: 20, region: 'sh' }, context()));
      expect(error.errors).toEqual([
        { field: 'minDiskGiB', message: 'minDiskGiB is not supported by DiDi, which makes images from a snapshot only' },
        { field: 'fromSnapshot', message: 'fromSnapshot (the snapshot uuid) is required for a DiDi image' },
        { field: 'region', message: 'region must be one of the configured DiDi regions (bj, gz)' },
      ]);
      expect(error.detail).toBe(error.errors!.map((e) => e.message).join('; '));
      expect(upstream.requests).toHaveLength(0);
    });

    it('takes create fields sent as undefined as not sent', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/create': () => ok([{ ...docJob }]) }));
      await provider.createImage!({ name: 'web', fromSnapshot: 'snap-1', diskFormat: undefined, description: undefined }, context());
      expect(bodyOf(writes(upstream)[0])).toEqual({ regionId: 'bj', cimg: [{ name: 'web', snapUuid: 'snap-1' }] });
    });

    it('names every refused patch field, and ignores fields sent as undefined', async () => {
      const { provider } = await didi(vendor({}));
      const error = await rejectedGatewayError(provider.updateImage!('img-1', { name: 'web', description: 'x', osType: undefined }, context()));
      expect(error.errors).toEqual([{ field: 'description', message: 'description cannot be changed on DiDi, which can only rename an image' }]);
      const empty = await rejectedGatewayError(provider.updateImage!('img-1', { osType: undefined }, context()));
      expect(empty.errors).toEqual([{ field: 'name', message: 'name is required: DiDi can only rename an image' }]);
    });
  });
});
