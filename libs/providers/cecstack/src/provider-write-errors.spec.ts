import { CreateImageInput, ProblemCode } from '@images/core';
import { recordingDeps } from '@images/testing';
import { CecstackProvider } from './index';
import { API, CREATE_ACCOUNT, ctx, failure, ownRecord, page, shareOf, success, useFakeIms, vendorError } from './provider-spec-support';

describe('CECSTACK provider operations against a real HTTP server', () => {
  const serve = useFakeIms();

  describe('vendor errors on writes (API.md section 6), each sent once', () => {
    const account = CREATE_ACCOUNT;
    const createInput: CreateImageInput = { name: 'n', diskFormat: 'qcow2', minDiskGiB: 10, minRamMiB: 512, osType: 'linux', platform: 'CentOS', architecture: 'x86_64', bits: 64 };
    type Invoke = (provider: CecstackProvider) => Promise<unknown>;
    const writes: Record<string, [string, Invoke]> = {
      create: [`POST ${API}/private-images`, (p) => p.createImage!(createInput, ctx())],
      import: [`POST ${API}/private-images/import`, (p) => p.createImage!({ ...createInput, fromUrl: 'https://x/y.qcow2' }, ctx())],
      update: [`PUT ${API}/private-images/img-1`, (p) => p.updateImage('img-1', { name: 'x' }, ctx())],
      delete: [`DELETE ${API}/private-images/img-1`, (p) => p.deleteImage('img-1', ctx())],
      deleteShare: [`DELETE ${API}/shared-images/share-img-s`, (p) => p.deleteImage('img-s', ctx())],
      copy: [`POST ${API}/shared-images/share-img-s/copy`, (p) => p.copyImage!('img-s', { name: 'n' }, ctx())],
      prepare: [`POST ${API}/private-images/img-1/upload-prepare`, (p) => p.prepareUpload('img-1', { sizeBytes: 1 }, ctx())],
      done: [`POST ${API}/private-images/img-1/upload-done`, (p) => p.completeUpload('img-1', { result: 'success' }, ctx())],
      share: [`POST ${API}/private-images/img-1/share`, (p) => p.shareImage('img-1', { userIds: ['u1'] }, ctx())],
      unshare: [`POST ${API}/private-images/img-1/unshare`, (p) => p.unshareImage('img-1', 'u1', ctx())],
      export: [`POST ${API}/custom-images/img-1/export`, (p) => p.exportImage('img-1', { bucket: { name: 'b', azId: 'AZ0', cellId: 'c' } }, ctx())],
    };

    it.each<[string, string, ProblemCode]>([
      ['create', 'IMG.OperationFailed.ImageSize', 'VALIDATION_FAILED'],
      ['create', 'IMG.OperationFailed.MinDiskSize', 'VALIDATION_FAILED'],
      ['create', 'IMG.InvalidParameter', 'VALIDATION_FAILED'],
      ['create', 'IMG.OperationDenied.Quota', 'QUOTA_EXCEEDED'],
      ['import', 'IMG.OperationDenied.QuotaNotEnough', 'QUOTA_EXCEEDED'],
      ['copy', 'IMG.OperationDenied.QuotaDeduct', 'QUOTA_EXCEEDED'],
      ['update', 'IMG.OperationFailed.ModifyMinDiskSize', 'VALIDATION_FAILED'],
      ['update', 'IMG.OperationDenied.ActionNotMatchStatus', 'CONFLICT'],
      ['update', 'IMG.OperationDenied.Identity', 'FORBIDDEN'],
      ['delete', 'IMG.OperationFailed.DeleteNotAllowed', 'CONFLICT'],
      ['delete', 'IMG.OperationFailed.ImageIsShared', 'CONFLICT'],
      ['delete', 'IMG.OperationDenied.AuthFail', 'UPSTREAM_AUTH_FAILED'],
      ['deleteShare', 'IMG.DBGet.NoData', 'NOT_FOUND'],
      ['prepare', 'IMG.OperationFailed.UploadNotAllowed', 'CONFLICT'],
      ['prepare', 'IMG.OperationFailed.UploadNotPermission', 'FORBIDDEN'],
      ['done', 'IMG.OperationFailed.UploadError', 'UPSTREAM_ERROR'],
      ['share', 'IMG.OperationFailed.DuplicateUserId', 'VALIDATION_FAILED'],
      ['share', 'IMG.OperationFailed.InvalidUserId', 'VALIDATION_FAILED'],
      ['share', 'IMG.OperationFailed.AlreadyShared', 'CONFLICT'],
      ['share', 'IMG.OperationFailed.ActionNotMatch', 'CONFLICT'],
      ['unshare', 'IMG.OperationFailed.NotShared', 'CONFLICT'],
      ['export', 'IMG.OperationFailed.ResourceStatus', 'CONFLICT'],
      ['export', 'IMG.Internal.Error', 'UPSTREAM_ERROR'],
      ['export', 'IMG.Never.Seen', 'UPSTREAM_ERROR'],
    ])('%s answered %s -> %s', async (write, code, expected) => {
      const [route, invoke] = writes[write];
      const deps = recordingDeps();
      const { provider, requests } = await serve({
        [`GET ${API}/images/img-1`]: success(ownRecord('img-1')),
        [`GET ${API}/private-images`]: page([]),
        [`GET ${API}/shared-images`]: page([shareOf('img-s', 'share-img-s')]),
        [route]: vendorError(code),
      }, account, deps);

      const error = await failure(invoke(provider));
      expect(error).toMatchObject({ code: expected, provider: 'cecstack', upstream: { status: 400, code, message: '失败', requestId: 'req-err' } });
      expect(requests.filter((r) => `${r.method} ${r.path}` === route)).toHaveLength(1);
      expect(deps.events).toContainEqual(expect.objectContaining({ provider: 'cecstack', httpStatus: 400, problemCode: expected, vendorCode: code, unknownVendorCode: code === 'IMG.Never.Seen' }));
    });

    it.each(Object.keys(writes))('%s is not retried when the vendor answers 503', async (write) => {
      const [route, invoke] = writes[write];
      const { provider, requests } = await serve({
        [`GET ${API}/images/img-1`]: success(ownRecord('img-1')),
        [`GET ${API}/private-images`]: page([]),
        [`GET ${API}/shared-images`]: page([shareOf('img-s', 'share-img-s')]),
        [route]: { status: 503, body: 'unavailable' },
      }, account);
      expect((await failure(invoke(provider))).code).toBe('UPSTREAM_UNAVAILABLE');
      expect(requests.filter((r) => `${r.method} ${r.path}` === route)).toHaveLength(1);
    });
  });
});
