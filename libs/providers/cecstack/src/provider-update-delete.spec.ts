import { Image } from '@images/core';
import { FakeRequest } from '@images/testing';
import deleteResponse from './fixtures/delete-response.json';
import imageDetail from './fixtures/image-detail.json';
import sharedImageDeleteResponse from './fixtures/shared-image-delete-response.json';
import sharedImages from './fixtures/shared-images.json';
import updateRequest from './fixtures/update-request.json';
import updateResponse from './fixtures/update-response.json';
import { API, SHARED_ID, SHARE_ID, ctx, expectVendorCall, failure, noData, ownRecord, page, shareOf, success, useFakeIms, vendorError } from './provider-spec-support';

describe('CECSTACK provider operations against a real HTTP server', () => {
  const serve = useFakeIms();

  describe('updateImage', () => {
    const ID = 'img-a62z9rb9k8tcwy';
    const current = { ...imageDetail.data, imageId: ID, visibility: 'private' };

    /** A vendor that keeps the record: the PUT replaces the fields its table names (`ignored` ones are dropped). */
    function storedImage(ignored: string[] = []) {
      let record: Record<string, unknown> = { ...current };
      return {
        [`GET ${API}/images/${ID}`]: () => success(record),
        [`PUT ${API}/private-images/${ID}`]: (request: FakeRequest) => {
          const { instruction, ...fields } = JSON.parse(request.body) as Record<string, unknown>;
          for (const name of ignored) delete fields[name];
          record = { ...record, ...fields, instructions: instruction, updatedAt: '2024-01-02T10:00:00+08:00' };
          return { body: updateResponse };
        },
      };
    }

    it('reads the record, merges the patch, PUTs the whole record (the doc example) and answers the image read back', async () => {
      const { provider, requests } = await serve(storedImage());
      const result = await provider.updateImage(ID, { architecture: 'arm64', bits: 64, minDiskGiB: 20, minRamMiB: 1024, osVersion: 'kylin-v10-sp3', platform: 'kylin' }, ctx());

      expect(requests.map((r) => r.method)).toEqual(['GET', 'PUT', 'GET']);
      expectVendorCall(requests[0], 'GET', `${API}/images/${ID}`);
      expectVendorCall(requests[1], 'PUT', `${API}/private-images/${ID}`, updateRequest);
      expect(result).toMatchObject({ operation: null, accepted: false });
      expect(result.image).toMatchObject<Partial<Image>>({
        id: `cecstack:${ID}`, name: 'test', architecture: 'arm64', bits: 64, minDiskGiB: 20, minRamMiB: 1024, osVersion: 'kylin-v10-sp3', platform: 'kylin',
        diskFormat: 'qcow2', visibility: 'private', status: 'available', updatedAt: '2024-01-02T02:00:00.000Z',
      });
    });

    it('keeps every field the patch does not name, as the vendor has it; a field the vendor ignores is not claimed', async () => {
      const { provider, requests } = await serve(storedImage(['description']));
      const result = await provider.updateImage(ID, { name: 'renamed', description: '新的描述' }, ctx());
      expect(JSON.parse(requests[1].body)).toEqual({
        bootMode: 'UEFI', cpuArch: 'x86', diskFormat: 'qcow2', instruction: '32-bits', minDisk: 5, minRam: 512, name: 'renamed', osType: 'linux',
        osVersion: '', platform: 'cclinux', description: '新的描述',
      });
      expect(result.image).toMatchObject({ name: 'renamed', description: null, architecture: 'x86_64', bits: 32, minDiskGiB: 5 });
    });

    it('when the read-back fails the update stands, answered with the record as sent', async () => {
      let reads = 0;
      const { provider } = await serve({
        [`GET ${API}/images/${ID}`]: () => (++reads === 1 ? success(current) : vendorError('IMG.Internal.Error')),
        [`PUT ${API}/private-images/${ID}`]: { body: updateResponse },
      });
      const result = await provider.updateImage(ID, { name: 'renamed', description: '新的描述', bits: 64 }, ctx());
      expect(result).toMatchObject({ accepted: false, image: { name: 'renamed', description: '新的描述', bits: 64, minDiskGiB: 5, updatedAt: '2023-05-23T21:46:18.000Z' } });
    });

    it('refuses a shrinking minDisk and a new diskFormat before the PUT', async () => {
      const { provider, requests } = await serve({ [`GET ${API}/images/${ID}`]: success(current), [`PUT ${API}/private-images/${ID}`]: { body: updateResponse } });
      const shrink = await failure(provider.updateImage(ID, { minDiskGiB: 4 }, ctx()));
      expect(shrink).toMatchObject({ code: 'VALIDATION_FAILED', provider: 'cecstack' });
      expect(shrink.errors).toEqual([{ field: 'minDiskGiB', message: 'cannot shrink below the current 5 GiB' }]);

      const both = await failure(provider.updateImage(ID, { minDiskGiB: 1, diskFormat: 'raw' } as never, ctx()));
      expect(both.errors?.map((e) => e.field)).toEqual(['diskFormat', 'minDiskGiB']);
      expect(requests.filter((r) => r.method === 'PUT')).toHaveLength(0);

      // The same format in another case, and an equal or larger disk, are fine.
      await provider.updateImage(ID, { minDiskGiB: 5, diskFormat: 'QCOW2' } as never, ctx());
      expect(requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    });

    it('an image the vendor does not have -> NOT_FOUND without a PUT; the vendor own refusal is translated', async () => {
      const { provider, requests } = await serve({
        [`GET ${API}/images/img-gone`]: noData,
        [`GET ${API}/images/${ID}`]: success(current),
        [`PUT ${API}/private-images/${ID}`]: vendorError('IMG.OperationFailed.ModifyMinDiskSize'),
      });
      expect((await failure(provider.updateImage('img-gone', { name: 'x' }, ctx()))).code).toBe('NOT_FOUND');
      const refused = await failure(provider.updateImage(ID, { name: 'x' }, ctx()));
      expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', upstream: { code: 'IMG.OperationFailed.ModifyMinDiskSize' } });
      expect(requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    });
  });

  describe('deleteImage', () => {
    it('the account own image: DELETE private-images/{id}', async () => {
      const { provider, requests } = await serve({
        [`GET ${API}/private-images`]: page([ownRecord('img-own')]),
        [`GET ${API}/shared-images`]: page(sharedImages.data.list),
        [`DELETE ${API}/private-images/img-own`]: { body: deleteResponse },
      });
      expect(await provider.deleteImage('img-own', ctx())).toEqual({ image: null, operation: null, accepted: false });
      const deletes = requests.filter((r) => r.method === 'DELETE');
      expect(deletes).toHaveLength(1);
      expectVendorCall(deletes[0], 'DELETE', `${API}/private-images/img-own`);
    });

    it('an image shared with the account: DELETE shared-images/{shareId}, found in the shared-with-me list', async () => {
      const { provider, requests } = await serve({
        [`GET ${API}/private-images`]: page([]),
        [`GET ${API}/shared-images`]: page([shareOf('img-other', 'img-share-other'), ...sharedImages.data.list]),
        [`DELETE ${API}/shared-images/${SHARE_ID}`]: { body: sharedImageDeleteResponse },
      });
      expect(await provider.deleteImage(SHARED_ID, ctx())).toEqual({ image: null, operation: null, accepted: false });
      const deletes = requests.filter((r) => r.method === 'DELETE');
      expect(deletes).toHaveLength(1);
      expectVendorCall(deletes[0], 'DELETE', `${API}/shared-images/${SHARE_ID}`);
    });

    it('neither: the vendor decides (no such image -> NOT_FOUND); a shared own image -> CONFLICT, sent once', async () => {
      const { provider, requests } = await serve({
        [`GET ${API}/private-images`]: (request) => page(request.query.get('filter') === 'imageId:eq:img-mine' ? [ownRecord('img-mine')] : []),
        [`GET ${API}/shared-images`]: page([]),
        [`DELETE ${API}/private-images/img-gone`]: noData,
        [`DELETE ${API}/private-images/img-mine`]: vendorError('IMG.OperationFailed.ImageIsShared'),
      });
      expect((await failure(provider.deleteImage('img-gone', ctx()))).code).toBe('NOT_FOUND');
      expect(await failure(provider.deleteImage('img-mine', ctx()))).toMatchObject({ code: 'CONFLICT', upstream: { code: 'IMG.OperationFailed.ImageIsShared' } });
      expect(requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`${API}/private-images/img-gone`, `${API}/private-images/img-mine`]);
    });
  });
});
