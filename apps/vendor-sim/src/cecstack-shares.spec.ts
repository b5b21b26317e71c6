import { ImsClient, createBody, sleep } from './cecstack/ims-client';
import { RunningSim, startVendorSim } from './sim';

const STEP_MS = 50;
const DOC_IMAGE = 'img-kvvfk28fcjc0mt'; // public, and in our private list
const DOC_SHARE = 'img-share-60syal9krz8c0lnf6n5c'; // shared with us, active
const LPTEST = '7085524801413873664';
const OWN_TENANT = '7074927169066926081';
const USER_A = '7091122334455667701';
const USER_B = '7091122334455667702';

function expectCode(answer: { status: number; body: any }, code: string): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status: 400, code });
  expect(answer.body).toMatchObject({ requestId: expect.any(String), message: expect.any(String), data: null });
}

const shareBody = (userIds: unknown) => ({ shares: { user_ids: userIds } });

interface SharedItem {
  shareId: string;
  imageId: string;
  image: { status: string; imageId: string };
}

describe('CECSTACK simulator: shares, shared-with-me images, export', () => {
  let sim: RunningSim;
  let ims: ImsClient;
  let sharedWithMe: SharedItem[];
  let publicOnly: string;

  beforeAll(async () => {
    sim = await startVendorSim({ stepMs: STEP_MS });
    ims = new ImsClient(sim);
    sharedWithMe = (await ims.get('/shared-images?current=1&size=100')).body.data.list;
    const view = (await ims.admin('GET', '/catalog/cecstack')).body as { lists: Record<string, string[]> };
    publicOnly = view.lists.public.find((id) => !view.lists.private.includes(id)) as string;
  });
  afterAll(() => sim.close());

  async function imageIn(status: 'queued' | 'active'): Promise<string> {
    const { body } = await ims.post('/private-images', createBody({ minDisk: 1, name: `share-${status}` }));
    const imageId = body.data.imageId as string;
    if (status === 'active') {
      await ims.post(`/private-images/${imageId}/upload-prepare`, { size: 4096 });
      await ims.post(`/private-images/${imageId}/upload-done`, { result: 'success' });
      for (let waited = 0; (await ims.privateImage(imageId))?.status !== 'active'; waited += 10) {
        if (waited > 2000) throw new Error(`${imageId} never became active`);
        await sleep(10);
      }
    }
    return imageId;
  }

  const shares = async (imageId: string, query = '') => (await ims.get(`/private-images/${imageId}/share${query}`)).body.data;

  describe('share, share list, unshare', () => {
    it('stores shares and lists them with the doc’s item fields', async () => {
      const imageId = await imageIn('active');
      expect(await shares(imageId)).toEqual({ size: 10, current: 1, total: 0, list: [] });
      const answer = await ims.post(`/private-images/${imageId}/share`, shareBody([LPTEST, USER_A]));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ requestId: expect.any(String), code: 'Success', message: '调用成功', data: null });
      const listed = await shares(imageId, '?requestInfo=region0&current=1&size=10');
      expect(listed.total).toBe(2);
      for (const item of listed.list) expect(Object.keys(item).sort()).toEqual(['createdAt', 'id', 'image', 'imageId', 'shareId', 'updatedAt', 'userId', 'userName']);
      expect(listed.list).toEqual([
        { createdAt: expect.stringMatching(/Z$/), updatedAt: expect.any(String), id: expect.any(Number), shareId: expect.stringMatching(/^img-share-[a-z0-9]{20}$/), imageId, userId: LPTEST, image: null, userName: 'lptest' },
        expect.objectContaining({ imageId, userId: USER_A, userName: expect.any(String), image: null }),
      ]);
      expect(listed.list[0].shareId).not.toBe(listed.list[1].shareId);
      expect((await ims.admin('GET', '/catalog/cecstack')).body.shares[imageId]).toEqual([LPTEST, USER_A]);
      const secondPage = await shares(imageId, '?current=2&size=1');
      expect(secondPage).toMatchObject({ size: 1, current: 2, total: 2, list: [{ userId: USER_A }] });
      expectCode(await ims.get(`/private-images/${imageId}/share?current=0&size=10`), 'IMG.InvalidParameter');
    });

    it('refuses a user already shared: AlreadyShared, and adds none of the others', async () => {
      const imageId = await imageIn('active');
      await ims.post(`/private-images/${imageId}/share`, shareBody([USER_A]));
      expectCode(await ims.post(`/private-images/${imageId}/share`, shareBody([USER_B, USER_A])), 'IMG.OperationFailed.AlreadyShared');
      expect((await shares(imageId)).list.map((item: { userId: string }) => item.userId)).toEqual([USER_A]);
    });

    it.each<[string, unknown, string]>([
      ['a repeated user id', [USER_A, USER_B, USER_A], 'IMG.OperationFailed.DuplicateUserId'],
      ['a user id that is not a number', ['lptest'], 'IMG.OperationFailed.InvalidUserId'],
      ['a user id that is too short', ['12345'], 'IMG.OperationFailed.InvalidUserId'],
      ['our own tenant id', [OWN_TENANT], 'IMG.OperationFailed.InvalidUserId'],
      ['51 user ids (the doc allows 50 and names no code)', Array.from({ length: 51 }, (_, i) => `70911223344556${String(10000 + i)}`), 'IMG.InvalidParameter'],
      ['no user ids', [], 'IMG.InvalidParameter'],
      ['user ids that are numbers', [7091122334455667], 'IMG.InvalidParameter'],
      ['user_ids not an array', USER_A, 'IMG.InvalidParameter'],
    ])('refuses a share with %s', async (_label, userIds, code) => {
      const imageId = await imageIn('active');
      expectCode(await ims.post(`/private-images/${imageId}/share`, shareBody(userIds)), code);
      expect((await shares(imageId)).total).toBe(0);
    });

    it('refuses a share body without `shares`: IMG.InvalidParameter', async () => {
      const imageId = await imageIn('active');
      expectCode(await ims.post(`/private-images/${imageId}/share`, { user_ids: [USER_A] }), 'IMG.InvalidParameter');
      expectCode(await ims.post(`/private-images/${imageId}/share`, 'not json'), 'IMG.InvalidParameter');
    });

    it('shares with up to 50 users in one call', async () => {
      const imageId = await imageIn('active');
      const fifty = Array.from({ length: 50 }, (_, i) => `70911223344556${String(10000 + i)}`);
      expect((await ims.post(`/private-images/${imageId}/share`, shareBody(fifty))).status).toBe(200);
      expect((await shares(imageId, '?current=1&size=100')).total).toBe(50);
    });

    it('refuses to share an image that is not active: ActionNotMatchStatus', async () => {
      const imageId = await imageIn('queued');
      expectCode(await ims.post(`/private-images/${imageId}/share`, shareBody([USER_A])), 'IMG.OperationDenied.ActionNotMatchStatus');
    });

    it('refuses to share a public image: ActionNotMatch; a shared-with-me one: Identity; an unknown one: NoData', async () => {
      expectCode(await ims.post(`/private-images/${DOC_IMAGE}/share`, shareBody([USER_A])), 'IMG.OperationFailed.ActionNotMatch');
      expectCode(await ims.post(`/private-images/${publicOnly}/share`, shareBody([USER_A])), 'IMG.OperationFailed.ActionNotMatch');
      expectCode(await ims.post(`/private-images/${sharedWithMe[1].imageId}/share`, shareBody([USER_A])), 'IMG.OperationDenied.Identity');
      expectCode(await ims.post('/private-images/img-doesnotexist00/share', shareBody([USER_A])), 'IMG.DBGet.NoData');
      expectCode(await ims.get('/private-images/img-doesnotexist00/share'), 'IMG.DBGet.NoData');
      expectCode(await ims.get(`/private-images/${sharedWithMe[1].imageId}/share`), 'IMG.OperationDenied.Identity');
    });

    it('unshares; a user not shared is NotShared, and nothing is removed then', async () => {
      const imageId = await imageIn('active');
      await ims.post(`/private-images/${imageId}/share`, shareBody([USER_A, USER_B]));
      expectCode(await ims.post(`/private-images/${imageId}/unshare`, shareBody([USER_A, LPTEST])), 'IMG.OperationFailed.NotShared');
      expect((await shares(imageId)).total).toBe(2);
      const answer = await ims.post(`/private-images/${imageId}/unshare`, shareBody([USER_A]));
      expect(answer.body).toEqual({ requestId: expect.any(String), code: 'Success', message: '调用成功', data: null });
      expect((await shares(imageId)).list.map((item: { userId: string }) => item.userId)).toEqual([USER_B]);
      expectCode(await ims.post(`/private-images/${imageId}/unshare`, shareBody([USER_B, USER_B])), 'IMG.OperationFailed.DuplicateUserId');
      expectCode(await ims.post(`/private-images/${imageId}/unshare`, shareBody('x')), 'IMG.InvalidParameter');
      expectCode(await ims.post('/private-images/img-doesnotexist00/unshare', shareBody([USER_B])), 'IMG.DBGet.NoData');
    });

    it('refuses to delete a shared image: ImageIsShared; after the last unshare it deletes', async () => {
      const imageId = await imageIn('active');
      await ims.post(`/private-images/${imageId}/share`, shareBody([USER_A, USER_B]));
      expectCode(await ims.call('DELETE', `/private-images/${imageId}`), 'IMG.OperationFailed.ImageIsShared');
      await ims.post(`/private-images/${imageId}/unshare`, shareBody([USER_A]));
      expectCode(await ims.call('DELETE', `/private-images/${imageId}`), 'IMG.OperationFailed.ImageIsShared');
      await ims.post(`/private-images/${imageId}/unshare`, shareBody([USER_B]));
      expect((await ims.admin('GET', '/catalog/cecstack')).body.shares[imageId]).toBeUndefined();
      expect((await ims.call('DELETE', `/private-images/${imageId}`)).status).toBe(200);
      expect(await ims.privateImage(imageId)).toBeUndefined();
    });
  });

  describe('shared-with-me images', () => {
    it('copies a shared image into the private list: saving at once, active one step later; the share stays', async () => {
      const source = sharedWithMe.find((item) => item.shareId === DOC_SHARE) as SharedItem;
      const before = (await ims.get('/private-images?current=1&size=1')).body.data.total;
      const body = { tenantId: '1845802001481407751', departmentId: '1845802001481407752', resourceGroupId: '1855053812545355776', name: '名称', description: '描述' };
      const answer = await ims.post(`/shared-images/${DOC_SHARE}/copy`, body);
      expect(answer.status).toBe(200);
      const copy = answer.body.data;
      expect(copy).toMatchObject({
        imageId: expect.stringMatching(/^img-[a-z0-9]{14}$/),
        name: '名称',
        describe: '描述',
        status: 'saving',
        owner: '1845802001481407751',
        departmentId: '1845802001481407752',
        resourceGroupId: '1855053812545355776',
        visibility: 'private',
        size: 27205947,
        diskFormat: 'qcow2',
        minDisk: 5,
        platform: 'CCLinux',
        shared: false,
        volumeImages: null,
        errMessage: '',
        capacityPercentage: '',
      });
      expect(copy.imageId).not.toBe(source.imageId);
      expect((await ims.get('/private-images?current=1&size=1')).body.data).toMatchObject({ total: before + 1, list: [{ imageId: copy.imageId, status: 'saving' }] });
      await sleep(STEP_MS + 30);
      expect((await ims.privateImage(copy.imageId))?.status).toBe('active');
      expect((await ims.get('/shared-images?current=1&size=100')).body.data.list.map((item: SharedItem) => item.shareId)).toContain(DOC_SHARE);
    });

    it('refuses to copy a shared image that is not active: ActionNotMatchStatus', async () => {
      const notActive = sharedWithMe.find((item) => item.image.status !== 'active') as SharedItem;
      expect(notActive).toBeDefined();
      expectCode(await ims.post(`/shared-images/${notActive.shareId}/copy`, { tenantId: OWN_TENANT, departmentId: '1', resourceGroupId: '', name: 'copy' }), 'IMG.OperationDenied.ActionNotMatchStatus');
    });

    it.each<[string, Record<string, unknown>]>([
      ['without tenantId', { departmentId: '1', resourceGroupId: '', name: 'copy' }],
      ['without departmentId', { tenantId: OWN_TENANT, resourceGroupId: '', name: 'copy' }],
      ['without resourceGroupId', { tenantId: OWN_TENANT, departmentId: '1', name: 'copy' }],
      ['without name', { tenantId: OWN_TENANT, departmentId: '1', resourceGroupId: '' }],
      ['with a bad name', { tenantId: OWN_TENANT, departmentId: '1', resourceGroupId: '', name: 'a*b' }],
      ['with a one-character description', { tenantId: OWN_TENANT, departmentId: '1', resourceGroupId: '', name: 'copy', description: 'd' }],
    ])('refuses a copy %s: IMG.InvalidParameter', async (_label, body) => {
      expectCode(await ims.post(`/shared-images/${DOC_SHARE}/copy`, body), 'IMG.InvalidParameter');
    });

    it('answers NoData for an unknown share id, on copy and delete', async () => {
      expectCode(await ims.post('/shared-images/img-share-doesnotexist/copy', { tenantId: OWN_TENANT, departmentId: '1', resourceGroupId: '', name: 'copy' }), 'IMG.DBGet.NoData');
      expectCode(await ims.call('DELETE', '/shared-images/img-share-doesnotexist'), 'IMG.DBGet.NoData');
    });

    it('deletes a shared-with-me image: it leaves the list, the detail and the admin view', async () => {
      const victim = sharedWithMe[sharedWithMe.length - 1];
      const before = (await ims.get('/shared-images?current=1&size=1')).body.data.total;
      const answer = await ims.call('DELETE', `/shared-images/${victim.shareId}?requestInfo=region0`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ requestId: expect.any(String), code: 'Success', message: '调用成功', data: null });
      const after = (await ims.get('/shared-images?current=1&size=100')).body.data;
      expect(after.total).toBe(before - 1);
      expect(after.list.map((item: SharedItem) => item.shareId)).not.toContain(victim.shareId);
      expectCode(await ims.get(`/images/${victim.imageId}`), 'IMG.DBGet.NoData');
      expect((await ims.admin('GET', '/catalog/cecstack')).body.lists.shared).not.toContain(victim.imageId);
      expectCode(await ims.call('DELETE', `/shared-images/${victim.shareId}`), 'IMG.DBGet.NoData');
    });
  });

  describe('export', () => {
    it('lists the export buckets of the doc’s shape, and exports to one of them', async () => {
      const imageId = await imageIn('active');
      const buckets = await ims.get(`/private-images/${imageId}/oss-bucket-list`);
      expect(buckets.status).toBe(200);
      expect(buckets.body.data.length).toBeGreaterThanOrEqual(2);
      for (const bucket of buckets.body.data) expect(bucket).toEqual({ azId: expect.any(String), cellId: expect.any(String), name: expect.any(String) });
      expect(buckets.body.data[0]).toEqual({ azId: 'AZ0', cellId: 'ecs49', name: expect.stringMatching(/^iaas-image-[0-9a-f]{32}$/) });
      const answer = await ims.post(`/custom-images/${imageId}/export`, { bucket: buckets.body.data[1] });
      expect(answer.body).toEqual({ requestId: expect.any(String), code: 'Success', message: '调用成功', data: null });
      const exports = (await ims.admin('GET', '/catalog/cecstack')).body.exports;
      expect(exports).toContainEqual({ imageId, bucket: buckets.body.data[1], createdAt: expect.any(String) });
    });

    it('refuses a bucket oss-bucket-list does not name, or a malformed one: IMG.InvalidParameter', async () => {
      const imageId = await imageIn('active');
      for (const body of [
        { bucket: { name: 'nobody-s-bucket', azId: 'AZ0', cellId: 'ecs49' } },
        { bucket: { name: 'hello1', azId: 'AZ9', cellId: 'ecs49' } },
        { bucket: { name: 'hello1', azId: 'AZ0' } },
        { bucket: 'hello1' },
        {},
      ]) {
        expectCode(await ims.post(`/custom-images/${imageId}/export`, body), 'IMG.InvalidParameter');
      }
    });

    it('refuses to export an image that is not active: ActionNotMatchStatus; unknown: NoData; not ours: Identity', async () => {
      const bucket = { name: 'hello1', azId: 'AZ0', cellId: 'ecs49' };
      expectCode(await ims.post(`/custom-images/${await imageIn('queued')}/export`, { bucket }), 'IMG.OperationDenied.ActionNotMatchStatus');
      expectCode(await ims.post('/custom-images/img-doesnotexist00/export', { bucket }), 'IMG.DBGet.NoData');
      expectCode(await ims.post(`/custom-images/${publicOnly}/export`, { bucket }), 'IMG.OperationDenied.Identity');
      expectCode(await ims.get('/private-images/img-doesnotexist00/oss-bucket-list'), 'IMG.DBGet.NoData');
      expectCode(await ims.get(`/private-images/${sharedWithMe[0].imageId}/oss-bucket-list`), 'IMG.OperationDenied.Identity');
    });
  });
});
