import { Image, ImageProvider, OPERATION_CAPABILITY } from '@images/core';
import { recordingDeps } from '@images/testing';
import { CecstackProvider, mapCecstackImage } from './index';
import imageDetail from './fixtures/image-detail.json';
import sharedImages from './fixtures/shared-images.json';
import { API, CREATE_ACCOUNT, REGION, SHARED_ID, SHARE_ID, configFor, ctx, expectVendorCall, failure, noData, ownRecord, page, success, useFakeIms, vendorError } from './provider-spec-support';

describe('CECSTACK provider operations against a real HTTP server', () => {
  const serve = useFakeIms();

  describe('capabilities', () => {
    it('lists get and every write it has, create and copy only with a tenant and department to act for', () => {
      const bare = new CecstackProvider(configFor('https://ims.example.com'), recordingDeps());
      const full = new CecstackProvider(configFor('https://ims.example.com', CREATE_ACCOUNT), recordingDeps());
      expect(bare.capabilities).toEqual(['list', 'get', 'update', 'delete', 'upload', 'download', 'share', 'export']);
      expect([...full.capabilities].sort()).toEqual(['copy', 'create', 'delete', 'download', 'export', 'get', 'list', 'share', 'update', 'upload']);
      // The gateway answers 501 for a missing method: a capability is listed exactly when its methods are there.
      for (const provider of [bare, full]) {
        for (const [method, capability] of Object.entries(OPERATION_CAPABILITY)) {
          const present = typeof (provider as ImageProvider)[method as keyof ImageProvider] === 'function';
          expect([method, present]).toEqual([method, provider.capabilities.includes(capability)]);
        }
        expect(typeof provider.getImage).toBe('function');
      }
      expect(bare.createImage).toBeUndefined();
      expect(bare.copyImage).toBeUndefined();
    });
  });

  describe('getImage', () => {
    it('reads the detail (1.4) and maps it as the list mapper does', async () => {
      const { provider, requests } = await serve({ [`GET ${API}/images/img-kvvfk28fcjc0mt`]: success(imageDetail.data) });
      const image = await provider.getImage('img-kvvfk28fcjc0mt', ctx());
      expect(image).toEqual(mapCecstackImage(imageDetail.data, { regionId: REGION, list: 'public' }));
      expect(image).toMatchObject({ id: 'cecstack:img-kvvfk28fcjc0mt', visibility: 'public', status: 'available', architecture: 'x86_64', bits: 32, regions: ['ecs49'] });
      // A public record needs no lookup.
      expect(requests).toHaveLength(1);
      expectVendorCall(requests[0], 'GET', `${API}/images/img-kvvfk28fcjc0mt`);
    });

    it('is null when the vendor says IMG.DBGet.NoData, but a bare 404 is an error', async () => {
      const { provider } = await serve({ [`GET ${API}/images/img-gone`]: noData, [`GET ${API}/images/img-proxy`]: { status: 404, body: 'not found' } });
      expect(await provider.getImage('img-gone', ctx())).toBeNull();
      expect((await failure(provider.getImage('img-proxy', ctx()))).code).toBe('NOT_FOUND');
    });

    it('an image shared with the account is `shared` with its shareId, exactly as in the catalog', async () => {
      // The detail of a shared image is the owner's record: visibility private.
      const table = {
        [`GET ${API}/images/${SHARED_ID}`]: success(sharedImages.data.list[0].image),
        [`GET ${API}/images`]: page([]),
        [`GET ${API}/private-images`]: page([]),
        [`GET ${API}/shared-images`]: page(sharedImages.data.list),
      };
      const { provider, requests } = await serve(table);
      const image = await provider.getImage(SHARED_ID, ctx());
      const fromCatalog = (await provider.listCatalog(ctx())).find((candidate) => candidate.providerImageId === SHARED_ID);

      expect(image).toMatchObject<Partial<Image>>({ visibility: 'shared', name: 'test', status: 'available' });
      expect(image?.extra.shareId).toBe(SHARE_ID);
      expect(image).toEqual(fromCatalog);
      const ownLookup = requests.find((r) => r.path === `${API}/private-images`);
      expect(ownLookup?.query.get('filter')).toBe(`imageId:eq:${SHARED_ID}`);
      expect(requests.find((r) => r.path === `${API}/shared-images`)?.query.get('orderBy')).toBe('createdAt:desc');
    });

    it('the account own record wins over a share, as in the catalog', async () => {
      const own = ownRecord(SHARED_ID);
      const { provider } = await serve({
        [`GET ${API}/images/${SHARED_ID}`]: success(own),
        // The filter matches substrings: only the exact id counts.
        [`GET ${API}/private-images`]: page([ownRecord(`${SHARED_ID}-other`), own]),
        [`GET ${API}/shared-images`]: page(sharedImages.data.list),
      });
      const image = await provider.getImage(SHARED_ID, ctx());
      expect(image).toMatchObject({ visibility: 'private', providerImageId: SHARED_ID });
      expect(image?.extra.shareId).toBeUndefined();
    });

    it('with CECSTACK_TENANT_ID, an owner that is the tenant settles it without a lookup', async () => {
      const { provider, requests } = await serve({ [`GET ${API}/images/img-mine`]: success(ownRecord('img-mine', { owner: 'tenant-me' })) }, { CECSTACK_TENANT_ID: 'tenant-me' });
      expect(await provider.getImage('img-mine', ctx())).toMatchObject({ visibility: 'private', extra: expect.objectContaining({ owner: 'tenant-me' }) });
      expect(requests).toHaveLength(1);
    });

    it('a vendor error on the detail is translated', async () => {
      const { provider } = await serve({ [`GET ${API}/images/img-1`]: vendorError('IMG.OperationDenied.AuthFail') });
      expect(await failure(provider.getImage('img-1', ctx()))).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', upstream: { status: 400, code: 'IMG.OperationDenied.AuthFail' } });
    });
  });
});
