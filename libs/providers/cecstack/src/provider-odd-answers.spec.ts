import uploadPrepareResponse from './fixtures/upload-prepare-response.json';
import { API, CREATE_ACCOUNT, ctx, expectVendorCall, failure, ownRecord, page, shareOf, success, useFakeIms, vendorError } from './provider-spec-support';

// Answers the IMS doc does not promise (missing fields, odd entries), and the lookups the provider may skip.

describe('CECSTACK provider against odd vendor answers', () => {
  const serve = useFakeIms();

  describe('getImage', () => {
    it.each(['market', 'PUBLIC'])('takes a %s record as is, with no ownership lookup', async (visibility) => {
      const { provider, requests } = await serve({ [`GET ${API}/images/img-m`]: success(ownRecord('img-m', { visibility })) });
      expect(await provider.getImage('img-m', ctx())).toMatchObject({ visibility: visibility.toLowerCase() });
      expect(requests).toHaveLength(1);
    });

    it('maps a private record that is neither the account own nor shared with it as the vendor says', async () => {
      const { provider } = await serve({
        [`GET ${API}/images/img-x`]: success(ownRecord('img-x', { visibility: 'private' })),
        [`GET ${API}/private-images`]: page([]),
        [`GET ${API}/shared-images`]: page([shareOf('img-other', 'share-other')]),
      });
      const image = await provider.getImage('img-x', ctx());
      expect(image).toMatchObject({ visibility: 'private', providerImageId: 'img-x' });
      expect(image?.extra.shareId).toBeUndefined();
    });

    it('with CECSTACK_TENANT_ID, an owner that is someone else needs only the shared list', async () => {
      const { provider, requests } = await serve({
        [`GET ${API}/images/img-s`]: success(ownRecord('img-s', { owner: 'tenant-other' })),
        [`GET ${API}/shared-images`]: page([shareOf('img-s', 'share-s')]),
      }, { CECSTACK_TENANT_ID: 'tenant-me' });
      const image = await provider.getImage('img-s', ctx());
      expect(image).toMatchObject({ visibility: 'shared', extra: expect.objectContaining({ shareId: 'share-s', owner: 'tenant-other' }) });
      expect(requests.map((r) => r.path).sort()).toEqual([`${API}/images/img-s`, `${API}/shared-images`]);
    });

    it('without CECSTACK_TENANT_ID, an owner named in the record still needs the own-list lookup', async () => {
      const { provider, requests } = await serve({
        [`GET ${API}/images/img-o`]: success(ownRecord('img-o', { owner: 'someone' })),
        [`GET ${API}/private-images`]: page([ownRecord('img-o')]),
        [`GET ${API}/shared-images`]: page([shareOf('img-o', 'share-o')]),
      });
      expect(await provider.getImage('img-o', ctx())).toMatchObject({ visibility: 'private' });
      expect(requests.some((r) => r.path === `${API}/private-images`)).toBe(true);
    });
  });

  describe('writes', () => {
    it('a create answered without a record is accepted with no image', async () => {
      const { provider } = await serve({ [`POST ${API}/private-images`]: success(null) }, CREATE_ACCOUNT);
      const input = { name: 'n', diskFormat: 'qcow2', minDiskGiB: 1, minRamMiB: 1, osType: 'linux' as const, platform: 'CentOS', architecture: 'x86_64' as const, bits: 64 as const };
      expect(await provider.createImage!(input, ctx())).toEqual({ image: null, operation: null, accepted: true });
    });

    it('a copy answered without a record is accepted with no image; a share without shareId is no share', async () => {
      const { provider, requests } = await serve({
        [`GET ${API}/shared-images`]: page([shareOf('img-a', 'share-a'), { ...shareOf('img-b', 'x'), shareId: null }]),
        [`POST ${API}/shared-images/share-a/copy`]: success('copying'),
        [`GET ${API}/images/img-b`]: success(ownRecord('img-b')),
      }, CREATE_ACCOUNT);
      expect(await provider.copyImage!('img-a', { name: 'c' }, ctx())).toEqual({ image: null, operation: null, accepted: true });
      expect((await failure(provider.copyImage!('img-b', { name: 'c' }, ctx()))).detail).toBe('cecstack copies only images shared with this account, and img-b is not');
      expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    });

    it('a delete of a share without shareId goes to the image itself, with no body or content type', async () => {
      const { provider, requests } = await serve({
        [`GET ${API}/private-images`]: page([]),
        [`GET ${API}/shared-images`]: page([{ ...shareOf('img-c', 'x'), shareId: '' }]),
        [`DELETE ${API}/private-images/img-c`]: success(null),
      });
      await provider.deleteImage('img-c', ctx());
      const [deleted] = requests.filter((r) => r.method === 'DELETE');
      expectVendorCall(deleted, 'DELETE', `${API}/private-images/img-c`);
      expect(deleted.headers['content-type']).toBeUndefined();
    });

    it('names each refused field in the detail', async () => {
      const { provider } = await serve({});
      const error = await failure(provider.shareImage('img-1', { userIds: [] }, ctx()));
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', provider: 'cecstack', detail: 'userIds must hold 1 to 50 user ids' });
      expect((await failure(provider.unshareImage('img-1', ' ', ctx()))).detail).toBe('userIds must not hold an empty user id');
    });

    it('answers the shares in the order asked, each user once, listed or not', async () => {
      const { provider } = await serve({
        [`POST ${API}/private-images/img-1/share`]: success(null),
        [`GET ${API}/private-images/img-1/share`]: page([{ userId: 'u2', shareId: 's2' }, { shareId: 'no-user' }, { userId: 'u9', shareId: 's9' }]),
      });
      expect(await provider.shareImage('img-1', { userIds: ['u1', 'u2'] }, ctx())).toEqual([
        { userId: 'u1', shareId: null, status: null, createdAt: null },
        { userId: 'u2', shareId: 's2', status: null, createdAt: null },
      ]);
    });
  });

  describe('files and buckets', () => {
    it.each([
      ['an empty bucket', { bucket: '' }], ['a bucket that is not a string', { bucket: 7 }], ['no file', { file: undefined }], ['an empty file', { file: '' }],
    ])('an upload target with %s is a bad response', async (_label, fields) => {
      const { provider } = await serve({ [`POST ${API}/private-images/img-1/upload-prepare`]: success({ ...uploadPrepareResponse.data, ...fields }) });
      expect(await failure(provider.prepareUpload('img-1', { sizeBytes: 1 }, ctx()))).toMatchObject({
        code: 'UPSTREAM_BAD_RESPONSE', detail: 'cecstack answered private-images/upload-prepare with no bucket and file to upload to',
      });
    });

    it('an upload target that is not an object is a bad response', async () => {
      const { provider } = await serve({ [`POST ${API}/private-images/img-1/upload-prepare`]: success(['bucket']) });
      expect((await failure(provider.prepareUpload('img-1', { sizeBytes: 1 }, ctx()))).detail).toBe('cecstack answered private-images/upload-prepare with no data object');
    });

    it('skips buckets without a name, azId or cellId, and refuses a list with a non-object entry', async () => {
      const { provider } = await serve({
        [`GET ${API}/private-images/img-1/oss-bucket-list`]: success([{ name: 'b1', azId: 'AZ0', cellId: 'c' }, { name: 'b2', azId: 'AZ0' }]),
        [`GET ${API}/private-images/img-2/oss-bucket-list`]: success([{ name: 'b1', azId: 'AZ0', cellId: 'c' }, null]),
      });
      expect(await provider.listExportTargets('img-1', ctx())).toEqual([{ name: 'b1', azId: 'AZ0', cellId: 'c' }]);
      expect((await failure(provider.listExportTargets('img-2', ctx()))).detail).toBe('cecstack answered private-images/oss-bucket-list with a bucket that is not an object');
    });

    it('a 416 with the vendor envelope is the vendor error; without Content-Range the detail names no size', async () => {
      const { provider } = await serve({
        [`GET ${API}/private-images/img-1/file`]: vendorError('IMG.OperationFailed.DownloadNotAllowed', 416),
        [`GET ${API}/private-images/img-2/file`]: { status: 416, body: '' },
      });
      expect(await failure(provider.downloadImage('img-1', { range: 'bytes=0-' }, ctx()))).toMatchObject({ code: 'CONFLICT', upstream: { status: 416, code: 'IMG.OperationFailed.DownloadNotAllowed' } });
      const error = await failure(provider.downloadImage('img-2', {}, ctx()));
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', provider: 'cecstack', detail: 'cecstack cannot serve range  of this file', upstream: { status: 416 } });
    });

    it('an error status with a Success envelope on the file is the status failure', async () => {
      const { provider } = await serve({ [`GET ${API}/private-images/img-1/file`]: { status: 500, body: { requestId: 'r', code: 'Success', data: null } } });
      expect((await failure(provider.downloadImage('img-1', {}, ctx()))).code).toBe('UPSTREAM_ERROR');
    });
  });
});
