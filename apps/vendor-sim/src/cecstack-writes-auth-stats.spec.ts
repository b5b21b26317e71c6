import { ImsClient, createBody } from './cecstack/ims-client';
import { DOC_IMAGE, createdImage, expectCode, ims, privateTotal, sim, useWritesSim } from './cecstack-writes-spec-support';
import { startVendorSim } from './sim';

describe('CECSTACK simulator: private image writes', () => {
  useWritesSim();

  describe('auth, faults and stats on the write calls', () => {
    it('checks the token and the region before anything else', async () => {
      const before = await privateTotal();
      const noToken = await fetch(ims.url('/private-images'), { method: 'POST', headers: { 'x-regionid': sim.credentials.cecstackRegionId }, body: JSON.stringify(createBody()) });
      expect(await noToken.json()).toMatchObject({ code: 'IMG.OperationDenied.AuthFail' });
      const otherRegion = await fetch(ims.url(`/private-images/${DOC_IMAGE}/file`), { headers: ims.headers({ 'x-regionid': 'region9' }) });
      expect(otherRegion.status).toBe(400);
      expect(await otherRegion.json()).toMatchObject({ code: 'IMG.InvalidParameter' });
      expect(await privateTotal()).toBe(before);
    });

    it('lets an injected fault answer a write call instead of the vendor', async () => {
      const imageId = await createdImage();
      expect((await ims.admin('PUT', '/faults/cecstack', { kind: 'error', code: 'QuotaNotEnough', pathContains: 'upload-prepare', count: 1 })).status).toBe(200);
      expectCode(await ims.post(`/private-images/${imageId}/upload-prepare`, { size: 10 }), 'IMG.OperationDenied.QuotaNotEnough');
      expect((await ims.post(`/private-images/${imageId}/upload-prepare`, { size: 10 })).status).toBe(200);
      await ims.admin('PUT', '/faults/cecstack', { kind: 'status', httpStatus: 503, pathContains: '/share', count: 1 });
      expect((await ims.get(`/private-images/${imageId}/share`)).status).toBe(503);
      await ims.admin('DELETE', '/faults');
    });
  });
});

describe('CECSTACK simulator: stats name every IMS operation', () => {
  it('counts one request per operation under its own name', async () => {
    const sim = await startVendorSim();
    try {
      const ims = new ImsClient(sim);
      const id = 'img-kvvfk28fcjc0mt';
      const share = 'img-share-60syal9krz8c0lnf6n5c';
      await ims.admin('DELETE', '/stats');
      await ims.get('/images?current=1&size=1');
      await ims.get(`/images/${id}`);
      await ims.get('/private-images?current=1&size=1');
      await ims.post('/private-images', {});
      await ims.post('/private-images/import', {});
      await ims.call('PUT', `/private-images/${id}`, {});
      await ims.call('DELETE', '/private-images/img-doesnotexist00');
      await ims.post(`/private-images/${id}/upload-prepare`, {});
      await ims.post(`/private-images/${id}/upload-done`, {});
      await ims.get(`/private-images/${id}/file`);
      await ims.get(`/private-images/${id}/share`);
      await ims.post(`/private-images/${id}/share`, {});
      await ims.post(`/private-images/${id}/unshare`, {});
      await ims.get(`/private-images/${id}/oss-bucket-list`);
      await ims.post(`/custom-images/${id}/export`, {});
      await ims.get('/shared-images?current=1&size=1');
      await ims.call('DELETE', '/shared-images/img-share-doesnotexist');
      await ims.post(`/shared-images/${share}/copy`, {});
      expect((await ims.get('/nothing-here')).status).toBe(404);
      const { body } = await ims.admin('GET', '/stats');
      expect(body.cecstack.byOperation).toEqual({
        'images/list': 1,
        'images/get': 1,
        'private-images/list': 1,
        'private-images/create': 1,
        'private-images/import': 1,
        'private-images/update': 1,
        'private-images/delete': 1,
        'private-images/upload-prepare': 1,
        'private-images/upload-done': 1,
        'private-images/download': 1,
        'private-images/share/list': 1,
        'private-images/share': 1,
        'private-images/unshare': 1,
        'private-images/oss-bucket-list': 1,
        'custom-images/export': 1,
        'shared-images/list': 1,
        'shared-images/delete': 1,
        'shared-images/copy': 1,
        unknown: 1,
      });
    } finally {
      await sim.close();
    }
  });
});
