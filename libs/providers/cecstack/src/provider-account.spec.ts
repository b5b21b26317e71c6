import { recordingDeps } from '@images/testing';
import { API, ctx, failure, noData, ownRecord, page, useFakeIms } from './provider-spec-support';

// A CECSTACK account enabled under an id of its own (PROVIDERS_FILE): every id and problem names the account, not the vendor.

describe('CECSTACK provider under an account id', () => {
  const serve = useFakeIms();
  const accountDeps = () => ({ ...recordingDeps(), providerId: 'cec-lab' });

  it('lists and gets images under the account id, and reports metrics under it', async () => {
    const deps = accountDeps();
    const { provider } = await serve({
      [`GET ${API}/private-images`]: page([ownRecord('img-1')]),
      [`GET ${API}/shared-images`]: page([]),
      [`GET ${API}/images`]: page([]),
    }, {}, deps);
    expect(provider.id).toBe('cec-lab');
    expect((await provider.listCatalog(ctx())).map((image) => [image.id, image.provider])).toEqual([['cec-lab:img-1', 'cec-lab']]);
    expect(deps.events.length).toBeGreaterThan(0);
    expect(new Set(deps.events.map((event) => event.provider))).toEqual(new Set(['cec-lab']));
  });

  it('names the account in a vendor error, and in a bad answer', async () => {
    const { provider } = await serve({ [`DELETE ${API}/private-images/img-x`]: noData, [`GET ${API}/images/img-y`]: { body: 'not json' } }, {}, accountDeps());
    expect((await failure(provider.deleteImage!('img-x', ctx()))).provider).toBe('cec-lab');
    expect((await failure(provider.getImage('img-y', ctx()))).provider).toBe('cec-lab');
  });
});
