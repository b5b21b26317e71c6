import { createBody, sleep } from './cecstack/ims-client';
import { CatalogView, STEP_MS, createdImage, expectCode, ims, privateTotal, useWritesSim } from './cecstack-writes-spec-support';

describe('CECSTACK simulator: private image writes', () => {
  useWritesSim();

  describe('POST private-images (create metadata)', () => {
    it('answers the new record, queued, and lists it at once at the head of the private list and in the detail', async () => {
      const before = await privateTotal();
      const { status, body } = await ims.post('/private-images', createBody({ description: '测试镜像', imageTags: [{ key: 'env', value: 'test' }] }));
      expect(status).toBe(200);
      expect(body).toMatchObject({ code: 'Success', message: '调用成功', requestId: expect.any(String) });
      const imageId = body.data.imageId;
      expect(body.data).toMatchObject({
        imageId: expect.stringMatching(/^img-[a-z0-9]{14}$/),
        id: expect.any(Number),
        name: 'centos8.2',
        description: '测试镜像',
        status: 'queued',
        owner: '7074927169066926081',
        instructions: '64-bits',
        visibility: 'private',
        usage: 'ecs',
        departmentId: '7074631167051202560',
        resourceGroupId: '',
        cpuArch: 'x86',
        minDisk: 10,
        minRam: 512,
        diskFormat: 'qcow2',
        imageType: 'os_image',
        bootMode: 'BIOS',
        osVersion: '',
        uploadId: '',
        size: 0,
        imageTags: [{ key: 'env', value: 'test' }],
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
      });
      expect(body.data).not.toHaveProperty('instruction');
      expect(await privateTotal()).toBe(before + 1);
      const head = (await ims.get('/private-images?current=1&size=1')).body.data.list[0];
      expect(head).toEqual(body.data);
      expect((await ims.get(`/images/${imageId}`)).body.data).toEqual(body.data);
      const view: CatalogView = (await ims.admin('GET', '/catalog/cecstack')).body;
      expect(view.lists.private[0]).toBe(imageId);
      expect(view.ids).toContain(imageId);
      expect(view.items.filter((item) => item.imageId === imageId)).toHaveLength(1);
    });

    it('stays queued (no upload yet) however long it waits', async () => {
      const imageId = await createdImage();
      await sleep(3 * STEP_MS);
      expect((await ims.privateImage(imageId))?.status).toBe('queued');
    });

    it('reads the fields from an `image` object too (the doc table nests them; its example is flat)', async () => {
      const { status, body } = await ims.post('/private-images', { image: createBody({ name: 'nested', bootMode: 'UEFI' }) });
      expect(status).toBe(200);
      expect(body.data).toMatchObject({ name: 'nested', bootMode: 'UEFI', status: 'queued' });
    });

    it.each<[string, Record<string, unknown>]>([
      ...['diskFormat', 'minDisk', 'minRam', 'name', 'imageType', 'instruction', 'cpuArch', 'osType', 'platform', 'visibility', 'usage', 'departmentId', 'tenantId'].map(
        (field): [string, Record<string, unknown>] => [`without ${field}`, { [field]: undefined }],
      ),
      ['with diskFormat vmdk', { diskFormat: 'vmdk' }],
      ['with minDisk 0', { minDisk: 0 }],
      ['with minDisk as a string', { minDisk: '10' }],
      ['with a fractional minRam', { minRam: 512.5 }],
      ['with a name starting with a space', { name: ' centos' }],
      ['with a name holding a slash', { name: 'a/b' }],
      ['with a name of 129 characters', { name: 'a'.repeat(129) }],
      ['with a one-character description', { description: 'x' }],
      ['with imageType iso', { imageType: 'iso' }],
      ['with instruction 128-bits', { instruction: '128-bits' }],
      ['with cpuArch mips', { cpuArch: 'mips' }],
      ['with osType macos', { osType: 'macos' }],
      ['with platform debian', { platform: 'debian' }],
      ['with visibility shared', { visibility: 'shared' }],
      ['with usage vdi', { usage: 'vdi' }],
      ['with bootMode EFI', { bootMode: 'EFI' }],
      ['with imageTags not an array', { imageTags: 'env=test' }],
      ['with an empty tenantId', { tenantId: '' }],
    ])('refuses a create %s: IMG.InvalidParameter, nothing listed', async (_label, overrides) => {
      const before = await privateTotal();
      expectCode(await ims.post('/private-images', JSON.parse(JSON.stringify(createBody(overrides)))), 'IMG.InvalidParameter');
      expect(await privateTotal()).toBe(before);
    });

    it('refuses a body that is not a JSON object: IMG.InvalidParameter', async () => {
      expectCode(await ims.post('/private-images', '{"name":'), 'IMG.InvalidParameter');
      expectCode(await ims.post('/private-images', [createBody()]), 'IMG.InvalidParameter');
    });

    it('accepts names of Chinese, letters, digits, space, -, ., _ and platforms in any case', async () => {
      const { status, body } = await ims.post('/private-images', createBody({ name: '政务 OA_v1.2-测试', platform: 'cclinux', osType: 'Linux' }));
      expect(status).toBe(200);
      expect(body.data).toMatchObject({ name: '政务 OA_v1.2-测试', platform: 'cclinux', osType: 'Linux' });
    });
  });
});
