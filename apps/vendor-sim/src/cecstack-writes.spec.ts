import { ImsClient, createBody, importBody, sleep } from './cecstack/ims-client';
import { PRIVATE_IMAGE_QUOTA } from './cecstack/state';
import { RunningSim, startVendorSim } from './sim';

const STEP_MS = 150;
const DOC_IMAGE = 'img-kvvfk28fcjc0mt'; // in the public list and in our private list
const GIB = 1024 ** 3;

interface CatalogView {
  ids: string[];
  items: Array<{ imageId: string }>;
  lists: Record<'public' | 'private' | 'shared', string[]>;
}

/** Every distinct status an image shows, polled until it settles in one of `final` (or the deadline). */
async function statusTrail(ims: ImsClient, imageId: string, final: string[], deadlineMs = 20 * STEP_MS): Promise<string[]> {
  const trail: string[] = [];
  const started = Date.now();
  for (;;) {
    const status = String((await ims.privateImage(imageId))?.status);
    if (trail[trail.length - 1] !== status) trail.push(status);
    if (final.includes(status) || Date.now() - started > deadlineMs) return trail;
    await sleep(15);
  }
}

async function waitForStatus(ims: ImsClient, imageId: string, status: string): Promise<void> {
  const trail = await statusTrail(ims, imageId, [status]);
  expect(trail[trail.length - 1]).toBe(status);
}

function expectCode(answer: { status: number; body: any }, code: string): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status: 400, code });
  expect(answer.body).toMatchObject({ requestId: expect.any(String), message: expect.any(String), data: null });
}

describe('CECSTACK simulator: private image writes', () => {
  let sim: RunningSim;
  let ims: ImsClient;
  let seeded: CatalogView;

  beforeAll(async () => {
    sim = await startVendorSim({ stepMs: STEP_MS });
    ims = new ImsClient(sim);
    seeded = (await ims.admin('GET', '/catalog/cecstack')).body;
  });
  afterAll(() => sim.close());

  const sharedWithMe = () => seeded.lists.shared[0];
  const publicOnly = () => seeded.lists.public.find((id) => !seeded.lists.private.includes(id)) as string;
  const privateTotal = async () => (await ims.get('/private-images?current=1&size=1')).body.data.total as number;

  async function createdImage(overrides: Record<string, unknown> = {}): Promise<string> {
    const { status, body } = await ims.post('/private-images', createBody(overrides));
    expect(status).toBe(200);
    return body.data.imageId;
  }

  /** A created image taken through upload-prepare and upload-done to `active`. */
  async function activeImage(sizeBytes = 1024 * 1024): Promise<string> {
    const imageId = await createdImage({ minDisk: 1 });
    expect((await ims.post(`/private-images/${imageId}/upload-prepare`, { size: sizeBytes })).status).toBe(200);
    expect((await ims.post(`/private-images/${imageId}/upload-done`, { result: 'success' })).status).toBe(200);
    await waitForStatus(ims, imageId, 'active');
    return imageId;
  }

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

  describe('POST private-images/import', () => {
    it('answers the record queued, then moves it to saving and to active one step each', async () => {
      const started = Date.now();
      const { status, body } = await ims.post('/private-images/import', importBody());
      expect(status).toBe(200);
      expect(body.data).toMatchObject({ imageId: expect.stringMatching(/^img-/), name: '导入镜像', status: 'queued', imageType: 'os_image', owner: '7074927169066926081', osVersion: 'v2' });
      const imageId = body.data.imageId;
      expect((await ims.get('/private-images?current=1&size=1')).body.data.list[0].imageId).toBe(imageId);
      const trail = await statusTrail(ims, imageId, ['active', 'killed']);
      expect(trail).toEqual(['queued', 'saving', 'active']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2 * STEP_MS - 40);
      const image = await ims.privateImage(imageId);
      expect(image).toMatchObject({ progress: '100', checksum: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(image?.size).toBeGreaterThan(0);
      expect(image?.size).toBeLessThanOrEqual(10 * GIB);
    });

    it('ends killed when the image URL cannot be reached (a host under .invalid)', async () => {
      const { body } = await ims.post('/private-images/import', importBody({ imageUrl: 'https://images.invalid/centos.qcow2' }));
      expect(await statusTrail(ims, body.data.imageId, ['active', 'killed'])).toEqual(['queued', 'saving', 'killed']);
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

describe('CECSTACK simulator: private image quota', () => {
  it(`refuses the ${PRIVATE_IMAGE_QUOTA + 1}st private image: IMG.OperationDenied.QuotaNotEnough, for create, import and copy alike`, async () => {
    const sim = await startVendorSim();
    try {
      const ims = new ImsClient(sim);
      const seededCount = (await ims.get('/private-images?current=1&size=1')).body.data.total as number;
      for (let i = seededCount; i < PRIVATE_IMAGE_QUOTA; i++) expect((await ims.post('/private-images', createBody({ name: `bulk-${i}` }))).status).toBe(200);
      expect((await ims.get('/private-images?current=1&size=1')).body.data.total).toBe(PRIVATE_IMAGE_QUOTA);
      expectCode(await ims.post('/private-images', createBody()), 'IMG.OperationDenied.QuotaNotEnough');
      expectCode(await ims.post('/private-images/import', importBody()), 'IMG.OperationDenied.QuotaNotEnough');
      const copy = { tenantId: '7074927169066926081', departmentId: '1', resourceGroupId: '', name: 'copy' };
      expectCode(await ims.post('/shared-images/img-share-60syal9krz8c0lnf6n5c/copy', copy), 'IMG.OperationDenied.QuotaNotEnough');
      const newest = (await ims.get('/private-images?current=1&size=1')).body.data.list[0].imageId;
      expect((await ims.call('DELETE', `/private-images/${newest}`)).status).toBe(200);
      expect((await ims.post('/private-images', createBody())).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
