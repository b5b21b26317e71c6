import { DOC_IMAGE, createdImage, expectCode, ims, publicOnly, sharedWithMe, useWritesSim } from './cecstack-writes-spec-support';

describe('CECSTACK simulator: private image writes', () => {
  useWritesSim();

  describe('PUT private-images/{id}', () => {
    const update = (image: Record<string, unknown>, overrides: Record<string, unknown> = {}) => ({
      bootMode: image.bootMode,
      cpuArch: image.cpuArch,
      diskFormat: image.diskFormat,
      instruction: image.instructions,
      minDisk: image.minDisk,
      minRam: image.minRam,
      name: image.name,
      osType: image.osType,
      osVersion: image.osVersion,
      platform: image.platform,
      ...overrides,
    });

    it('replaces the record and shows it at once in the list and the detail', async () => {
      const imageId = await createdImage();
      const before = (await ims.privateImage(imageId)) as Record<string, unknown>;
      const changes = { name: 'renamed image', bootMode: 'UEFI', cpuArch: 'arm', instruction: '32-bits', minDisk: 20, minRam: 2048, osType: 'linux', osVersion: 'kylin-v10-sp3', platform: 'kylin' };
      const answer = await ims.call('PUT', `/private-images/${imageId}`, update(before, changes));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ requestId: expect.any(String), code: 'Success', message: '调用成功', data: null });
      const after = await ims.privateImage(imageId);
      expect(after).toMatchObject({ name: 'renamed image', bootMode: 'UEFI', cpuArch: 'arm', instructions: '32-bits', minDisk: 20, minRam: 2048, osVersion: 'kylin-v10-sp3', platform: 'kylin', status: 'queued' });
      expect(after).not.toHaveProperty('instruction');
      expect((await ims.get(`/images/${imageId}`)).body.data.name).toBe('renamed image');
      expect((await ims.get(`/private-images?current=1&size=100&filter=${encodeURIComponent('name:lk:renamed image')}`)).body.data.total).toBe(1);
    });

    it('edits both listings of an image of ours that is also public', async () => {
      const original = (await ims.privateImage(DOC_IMAGE)) as Record<string, unknown>;
      expect((await ims.call('PUT', `/private-images/${DOC_IMAGE}`, update(original, { name: 'test renamed' }))).status).toBe(200);
      const publicRow = (await ims.get('/images?current=1&size=100')).body.data.list.concat((await ims.get('/images?current=2&size=100')).body.data.list).find((image: { imageId: string }) => image.imageId === DOC_IMAGE);
      expect(publicRow.name).toBe('test renamed');
      expect((await ims.get(`/images/${DOC_IMAGE}`)).body.data.name).toBe('test renamed');
      expect((await ims.call('PUT', `/private-images/${DOC_IMAGE}`, update(original))).status).toBe(200);
      expect((await ims.privateImage(DOC_IMAGE))?.name).toBe('test');
    });

    it('refuses a smaller minDisk: ModifyMinDiskSize, and keeps the record', async () => {
      const imageId = await createdImage({ minDisk: 10 });
      const image = (await ims.privateImage(imageId)) as Record<string, unknown>;
      expectCode(await ims.call('PUT', `/private-images/${imageId}`, update(image, { minDisk: 9, name: 'shrunk' })), 'IMG.OperationFailed.ModifyMinDiskSize');
      expect(await ims.privateImage(imageId)).toMatchObject({ minDisk: 10, name: image.name });
    });

    it('refuses another diskFormat: IMG.InvalidParameter (the doc requires it unchanged and names no code)', async () => {
      const imageId = await createdImage({ diskFormat: 'qcow2' });
      const image = (await ims.privateImage(imageId)) as Record<string, unknown>;
      expectCode(await ims.call('PUT', `/private-images/${imageId}`, update(image, { diskFormat: 'raw' })), 'IMG.InvalidParameter');
      expect((await ims.privateImage(imageId))?.diskFormat).toBe('qcow2');
    });

    it('refuses a partial record or bad values: IMG.InvalidParameter', async () => {
      const imageId = await createdImage();
      const image = (await ims.privateImage(imageId)) as Record<string, unknown>;
      for (const overrides of [{ name: undefined }, { osVersion: undefined }, { bootMode: undefined }, { instruction: 'x' }, { name: '' }, { minRam: -1 }, { platform: 'debian' }]) {
        expectCode(await ims.call('PUT', `/private-images/${imageId}`, JSON.parse(JSON.stringify(update(image, overrides)))), 'IMG.InvalidParameter');
      }
      expectCode(await ims.call('PUT', `/private-images/${imageId}`, { name: 'only a name' }), 'IMG.InvalidParameter');
    });

    it('answers NoData for an unknown image and Identity for a public or shared-with-me one', async () => {
      const image = (await ims.privateImage(DOC_IMAGE)) as Record<string, unknown>;
      expectCode(await ims.call('PUT', '/private-images/img-doesnotexist00', update(image)), 'IMG.DBGet.NoData');
      expectCode(await ims.call('PUT', `/private-images/${publicOnly()}`, update(image)), 'IMG.OperationDenied.Identity');
      expectCode(await ims.call('PUT', `/private-images/${sharedWithMe()}`, update(image)), 'IMG.OperationDenied.Identity');
    });
  });
});
