import { GIB, STEP_MS, activeImage, createdImage, expectCode, ims, publicOnly, sharedWithMe, useWritesSim, waitForStatus } from './cecstack-writes-spec-support';

describe('CECSTACK simulator: private image writes', () => {
  useWritesSim();

  describe('upload-prepare and upload-done', () => {
    it('answers the object-storage details of the doc, and takes the image queued → saving → active with the prepared size', async () => {
      const imageId = await createdImage({ minDisk: 1 });
      const prepared = await ims.post(`/private-images/${imageId}/upload-prepare`, { size: 104234 });
      expect(prepared.status).toBe(200);
      expect(Object.keys(prepared.body.data).sort()).toEqual(['accessKey', 'bucket', 'domain', 'file', 'image_url', 'secretKey', 'token']);
      expect(prepared.body.data).toEqual({
        image_url: '',
        accessKey: expect.stringMatching(/^[A-Za-z0-9]{20}$/),
        secretKey: expect.stringMatching(/^[A-Za-z0-9]{40}$/),
        token: '',
        bucket: expect.stringMatching(/^iaas-image-[0-9a-f]{32}$/),
        file: imageId,
        domain: expect.stringMatching(/^https:\/\//),
      });
      const again = await ims.post(`/private-images/${imageId}/upload-prepare`, { size: 104234 });
      expect(again.body.data.accessKey).not.toBe(prepared.body.data.accessKey);
      expect(again.body.data.bucket).toBe(prepared.body.data.bucket);
      expect((await ims.privateImage(imageId))?.status).toBe('queued');

      const done = await ims.post(`/private-images/${imageId}/upload-done`, { result: 'success', uploadId: 'test' });
      expect(done.status).toBe(200);
      expect(done.body).toEqual({ requestId: expect.any(String), code: 'Success', message: '调用成功' });
      const saving = await ims.privateImage(imageId);
      expect(saving).toMatchObject({ status: 'saving', uploadId: 'test' });
      const savedAt = Date.now();
      await waitForStatus(ims, imageId, 'active');
      expect(Date.now() - savedAt).toBeGreaterThanOrEqual(STEP_MS - 40);
      expect(await ims.privateImage(imageId)).toMatchObject({ size: 104234, progress: '100', checksum: expect.stringMatching(/^[0-9a-f]{32}$/), uploadId: '' });
    });

    it('turns a queued image killed when the upload failed', async () => {
      const imageId = await createdImage();
      expect((await ims.post(`/private-images/${imageId}/upload-done`, { result: 'failed' })).status).toBe(200);
      expect((await ims.privateImage(imageId))?.status).toBe('killed');
      expectCode(await ims.post(`/private-images/${imageId}/upload-prepare`, { size: 1000 }), 'IMG.OperationFailed.UploadNotAllowed');
    });

    it('refuses upload-prepare on an image that is not queued: UploadNotAllowed', async () => {
      const imageId = await activeImage();
      expectCode(await ims.post(`/private-images/${imageId}/upload-prepare`, { size: 1000 }), 'IMG.OperationFailed.UploadNotAllowed');
    });

    it('refuses a file larger than minDisk: MinDiskSize', async () => {
      const imageId = await createdImage({ minDisk: 1 });
      expectCode(await ims.post(`/private-images/${imageId}/upload-prepare`, { size: GIB + 1 }), 'IMG.OperationFailed.MinDiskSize');
      expect((await ims.post(`/private-images/${imageId}/upload-prepare`, { size: GIB })).status).toBe(200);
    });

    it('refuses a missing, zero or non-integer size: IMG.InvalidParameter', async () => {
      const imageId = await createdImage();
      for (const body of [{}, { size: 0 }, { size: -5 }, { size: '1000' }, { size: 1.5 }]) {
        expectCode(await ims.post(`/private-images/${imageId}/upload-prepare`, body), 'IMG.InvalidParameter');
      }
    });

    it('refuses upload-done success without an upload-prepare: UploadError, and the image stays queued', async () => {
      const imageId = await createdImage();
      expectCode(await ims.post(`/private-images/${imageId}/upload-done`, { result: 'success' }), 'IMG.OperationFailed.UploadError');
      expect((await ims.privateImage(imageId))?.status).toBe('queued');
    });

    it('refuses upload-done on an image that is not queued: ActionNotMatchStatus', async () => {
      const imageId = await activeImage();
      expectCode(await ims.post(`/private-images/${imageId}/upload-done`, { result: 'success' }), 'IMG.OperationDenied.ActionNotMatchStatus');
      expectCode(await ims.post(`/private-images/${imageId}/upload-done`, { result: 'failed' }), 'IMG.OperationDenied.ActionNotMatchStatus');
    });

    it('refuses an upload-done result other than success or failed, or a non-string uploadId: IMG.InvalidParameter', async () => {
      const imageId = await createdImage();
      for (const body of [{}, { result: 'ok' }, { result: 'SUCCESS' }, { result: 'success', uploadId: 7 }]) {
        expectCode(await ims.post(`/private-images/${imageId}/upload-done`, body), 'IMG.InvalidParameter');
      }
      expect((await ims.privateImage(imageId))?.status).toBe('queued');
    });

    it('answers IMG.DBGet.NoData for an unknown image and Identity for one that is not ours', async () => {
      for (const path of ['upload-prepare', 'upload-done']) {
        const body = path === 'upload-prepare' ? { size: 10 } : { result: 'success' };
        expectCode(await ims.post(`/private-images/img-doesnotexist00/${path}`, body), 'IMG.DBGet.NoData');
        expectCode(await ims.post(`/private-images/${publicOnly()}/${path}`, body), 'IMG.OperationDenied.Identity');
        expectCode(await ims.post(`/private-images/${sharedWithMe()}/${path}`, body), 'IMG.OperationDenied.Identity');
      }
    });
  });
});
