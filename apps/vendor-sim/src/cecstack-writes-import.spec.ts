import { importBody } from './cecstack/ims-client';
import { GIB, STEP_MS, expectCode, ims, privateTotal, statusTrail, useWritesSim } from './cecstack-writes-spec-support';

describe('CECSTACK simulator: private image writes', () => {
  useWritesSim();

  describe('POST private-images/import', () => {
    it('answers the record queued, then moves it to saving and to active one step each', async () => {
      const started = Date.now();
      const { status, body } = await ims.post('/private-images/import', importBody());
      expect(status).toBe(200);
      expect(body.data).toMatchObject({ imageId: expect.stringMatching(/^img-/), name: '导入镜像', status: 'queued', imageType: 'os_image', owner: '7074927169066926081', osVersion: 'v2' });
      const imageId = body.data.imageId;
      // Polled at once (the list is read after): a step is 150 ms, and a loaded machine must not skip one unseen.
      const trail = await statusTrail(ims, imageId, ['active', 'killed'], undefined, [body.data.status]);
      expect(trail).toEqual(['queued', 'saving', 'active']);
      expect((await ims.get('/private-images?current=1&size=1')).body.data.list[0].imageId).toBe(imageId);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2 * STEP_MS - 40);
      const image = await ims.privateImage(imageId);
      expect(image).toMatchObject({ progress: '100', checksum: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(image?.size).toBeGreaterThan(0);
      expect(image?.size).toBeLessThanOrEqual(10 * GIB);
    });

    it('ends killed when the image URL cannot be reached (a host under .invalid)', async () => {
      const { body } = await ims.post('/private-images/import', importBody({ imageUrl: 'https://images.invalid/centos.qcow2' }));
      expect(body.data.status).toBe('queued');
      expect(await statusTrail(ims, body.data.imageId, ['active', 'killed'], undefined, [body.data.status])).toEqual(['queued', 'saving', 'killed']);
    });

    it('makes a whole-machine image when data disks come along (volumeImages, minDisk as number or string)', async () => {
      const volumeImages = [
        { imageUrl: 'https://10.253.6.101/data1.qcow2', minDisk: 10 },
        { imageUrl: 'https://10.253.6.101/data2.qcow2', minDisk: '20' },
      ];
      const { status, body } = await ims.post('/private-images/import', importBody({ volumeImages }));
      expect(status).toBe(200);
      expect(body.data.imageType).toBe('whole_image');
    });

    it.each<[string, Record<string, unknown>]>([
      ['without imageUrl', { imageUrl: undefined }],
      ['with an ftp imageUrl', { imageUrl: 'ftp://10.253.6.101/a.qcow2' }],
      ['with an imageUrl that is no URL', { imageUrl: 'centos.qcow2' }],
      ['without osVersion', { osVersion: undefined }],
      ['with visibility public (fixed: private)', { visibility: 'public' }],
      ['without departmentId', { departmentId: undefined }],
      ['with a data disk without URL', { volumeImages: [{ minDisk: 10 }] }],
      ['with a data disk of minDisk 0', { volumeImages: [{ imageUrl: 'https://h/a.qcow2', minDisk: 0 }] }],
      ['with volumeImages not an array', { volumeImages: { imageUrl: 'https://h/a.qcow2' } }],
    ])('refuses an import %s: IMG.InvalidParameter', async (_label, overrides) => {
      const before = await privateTotal();
      expectCode(await ims.post('/private-images/import', JSON.parse(JSON.stringify(importBody(overrides)))), 'IMG.InvalidParameter');
      expect(await privateTotal()).toBe(before);
    });
  });
});
