import { rejectedGatewayError } from '@images/testing';
import { context, createExample, errno, item, useFakeDidi, vendor } from './operations-spec-support';

// A DiDi account enabled under an id of its own (PROVIDERS_FILE): every id and problem names the account, not the vendor.

describe('DiDi provider under an account id', () => {
  const didi = useFakeDidi();

  it('lists images, answers operations and reports metrics under the account id', async () => {
    const { provider, deps } = await didi(vendor({ '/dicloud/i/storage/cimg/create': () => ({ body: createExample.response }) }, { bj: [item('cimg-1')] }), 'bj', 'didi-b');
    expect(provider.id).toBe('didi-b');
    expect((await provider.listCatalog(context())).map((image) => [image.id, image.provider])).toEqual([['didi-b:cimg-1', 'didi-b']]);
    const created = await provider.createImage!({ name: 'n', fromSnapshot: createExample.request.cimg.snapUuid }, context());
    expect(created.operation).toMatchObject({ id: 'didi-b:bj.3fd352092a3f553cb124223f6a7f09b4', provider: 'didi-b', resourceId: 'didi-b:14eebc3af5ac42bd88c6444dc56f9e15' });
    expect(new Set(deps.events.map((event) => event.provider))).toEqual(new Set(['didi-b']));
  });

  it('names the account in a vendor error', async () => {
    const { provider } = await didi(vendor({ '/dicloud/i/storage/cimg/changeName': () => errno(4, 'auth failed') }), 'bj', 'didi-b');
    const error = await rejectedGatewayError(provider.updateImage!('cimg-1', { name: 'x' }, context()));
    expect(error.provider).toBe('didi-b');
  });
});
