import { ImageProvider, WriteResult } from '@images/core';
import { rejectedGatewayError } from '@images/testing';
import { bodyOf, context, item, ok, useFakeDidi, vendor, writes } from './operations-spec-support';

// What a failed write or poll says about itself: which DiDi operation answered badly, why, and DiDi's request id.

describe('DiDi answers that are not what its docs promise', () => {
  const didi = useFakeDidi();

  it.each<[string, string, (provider: ImageProvider) => Promise<WriteResult>]>([
    ['cimg/create', '/dicloud/i/storage/cimg/create', (p) => p.createImage!({ name: 'web', fromSnapshot: 'snap-1' }, context())],
    ['cimg/import', '/dicloud/i/storage/cimg/import', (p) => p.copyImage!('img-1', { name: 'copy', region: 'bj' }, context())],
    ['cimg/delete', '/dicloud/i/storage/cimg/delete', (p) => p.deleteImage!('img-1', context())],
    ['cimg/changeName', '/dicloud/i/storage/cimg/changeName', (p) => p.updateImage!('img-1', { name: 'web' }, context())],
  ])('names %s, and keeps DiDi\'s request id, when its answer holds no job', async (operation, path, write) => {
    const { provider } = await didi(vendor({ [path]: () => ({ body: { errno: 0, errmsg: 'ok', requestId: 'req-77', data: {} } }) }, { bj: [item('img-1')] }));
    const error = await rejectedGatewayError(write(provider));
    expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', provider: 'didi', detail: `didi answered ${operation} with no job in data` });
    expect(error.upstream?.requestId).toBe('req-77');
  });

  it('says a 200 answer that is not JSON is not JSON', async () => {
    const { provider } = await didi(vendor({ '/dicloud/i/storage/cimg/delete': () => ({ body: 'plain words' }) }, { bj: [item('img-1')] }));
    const error = await rejectedGatewayError(provider.deleteImage!('img-1', context()));
    expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', detail: 'didi answered cimg/delete with a body that is not JSON' });
  });

  it('says JSON without the errno envelope lacks it', async () => {
    const { provider } = await didi(vendor({ '/dicloud/i/storage/cimg/delete': () => ({ body: { data: [] } }) }, { bj: [item('img-1')] }));
    const error = await rejectedGatewayError(provider.deleteImage!('img-1', context()));
    expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', detail: 'didi answered cimg/delete with JSON without an errno envelope' });
  });

  it('answers an operation id it could not have issued with a 404 naming it, without asking DiDi', async () => {
    const { provider, upstream } = await didi(vendor({ '/dicloud/i/result': () => ok([]) }));
    const error = await rejectedGatewayError(provider.getOperation!('no-dot-here', context()));
    expect(error).toMatchObject({ code: 'NOT_FOUND', provider: 'didi', detail: 'didi has no operation no-dot-here' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('copies from a region that lists the image rather than one the image only names', async () => {
    const imported = () => ok([{ jobUuid: 'job-1', uuid: 'job-1', type: 'ImportCIMG', done: false }]);
    const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': imported }, { bj: [], gz: [item('img-1', { regions: ['sh'] })] }), 'bj,gz');
    await provider.copyImage!('img-1', { name: 'copy', region: 'bj' }, context());
    expect(bodyOf(writes(upstream)[0]).cimg[0].originRegionId).toBe('gz');
  });
});
