import { CatalogView, DOC_IMAGE, activeImage, createdImage, expectCode, ims, privateTotal, publicOnly, sharedWithMe, useWritesSim, waitForStatus } from './cecstack-writes-spec-support';

describe('CECSTACK simulator: private image writes', () => {
  useWritesSim();

  describe('DELETE private-images/{id}', () => {
    it('removes the image from the list, the detail and the admin view; a second delete is NoData', async () => {
      const imageId = await activeImage();
      const before = await privateTotal();
      const answer = await ims.call('DELETE', `/private-images/${imageId}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ requestId: expect.any(String), code: 'Success', message: '调用成功' });
      expect(await privateTotal()).toBe(before - 1);
      expect(await ims.privateImage(imageId)).toBeUndefined();
      expectCode(await ims.get(`/images/${imageId}`), 'IMG.DBGet.NoData');
      const view: CatalogView = (await ims.admin('GET', '/catalog/cecstack')).body;
      expect(view.ids).not.toContain(imageId);
      expect(view.items.some((item) => item.imageId === imageId)).toBe(false);
      expectCode(await ims.call('DELETE', `/private-images/${imageId}`), 'IMG.DBGet.NoData');
    });

    it('deletes queued and killed images', async () => {
      const queued = await createdImage();
      const killed = await createdImage();
      await ims.post(`/private-images/${killed}/upload-done`, { result: 'failed' });
      for (const imageId of [queued, killed]) {
        expect((await ims.call('DELETE', `/private-images/${imageId}`)).status).toBe(200);
        expect(await ims.privateImage(imageId)).toBeUndefined();
      }
    });

    it('refuses an image whose file is being saved: ActionNotMatchStatus; once active it goes', async () => {
      const imageId = await createdImage({ minDisk: 1 });
      await ims.post(`/private-images/${imageId}/upload-prepare`, { size: 1000 });
      await ims.post(`/private-images/${imageId}/upload-done`, { result: 'success' });
      expectCode(await ims.call('DELETE', `/private-images/${imageId}`), 'IMG.OperationDenied.ActionNotMatchStatus');
      await waitForStatus(ims, imageId, 'active');
      expect((await ims.call('DELETE', `/private-images/${imageId}`)).status).toBe(200);
    });

    it('refuses a public image: DeleteNotAllowed; a shared-with-me one: Identity', async () => {
      expectCode(await ims.call('DELETE', `/private-images/${DOC_IMAGE}`), 'IMG.OperationFailed.DeleteNotAllowed');
      expectCode(await ims.call('DELETE', `/private-images/${publicOnly()}`), 'IMG.OperationFailed.DeleteNotAllowed');
      expectCode(await ims.call('DELETE', `/private-images/${sharedWithMe()}`), 'IMG.OperationDenied.Identity');
      expect(await ims.privateImage(DOC_IMAGE)).toBeDefined();
    });
  });
});
