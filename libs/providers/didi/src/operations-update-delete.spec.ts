import { WriteResult } from '@images/core';
import { rejectedGatewayError } from '@images/testing';
import { LIST, bodyOf, context, errno, expectJsonPost, item, jobAnswer, useFakeDidi, vendor, writes } from './operations-spec-support';

describe('DiDi write operations against a loopback upstream', () => {
  const didi = useFakeDidi();

  describe('updateImage (cimg/changeName)', () => {
    const renamed = jobAnswer({ jobUuid: '72e3500c85675df7b59a025e5e784426', uuid: '72e3500c85675df7b59a025e5e784426', type: 'ChangeCIMGName', resourceUuid: 'img-1' });

    it('renames in the only configured region without listing first', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/changeName': () => renamed }));

      const result = await provider.updateImage!('img-1', { name: '北京03' }, context());

      expect(upstream.requests).toHaveLength(1);
      expectJsonPost(upstream.requests[0], '/dicloud/i/storage/cimg/changeName');
      expect(bodyOf(upstream.requests[0])).toEqual({ regionId: 'bj', cimg: [{ cimgUuid: 'img-1', name: '北京03' }] });
      expect(result).toEqual<WriteResult>({
        accepted: true,
        image: null,
        operation: { id: 'didi:bj.72e3500c85675df7b59a025e5e784426', provider: 'didi', type: 'ChangeCIMGName', status: 'running', progress: 0, resourceId: 'didi:img-1', error: null },
      });
    });

    it('renames in the region whose list holds the image when several are configured', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/changeName': () => renamed }, { bj: [item('other')], gz: [item('img-1', { regions: ['gz'] })] }), 'bj,gz');
      const result = await provider.updateImage!('img-1', { name: 'web' }, context());
      expect(writes(upstream).map(bodyOf)).toEqual([{ regionId: 'gz', cimg: [{ cimgUuid: 'img-1', name: 'web' }] }]);
      expect(result.operation?.id).toBe('didi:gz.72e3500c85675df7b59a025e5e784426');
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['a description', { description: 'new text' }, ['description']],
      ['a name with other fields', { name: 'web', minDiskGiB: 20, osType: 'linux' }, ['minDiskGiB', 'osType']],
      ['nothing', {}, ['name']],
    ])('refuses %s with VALIDATION_FAILED naming the fields, sending nothing', async (_label, patch, fields) => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/changeName': () => renamed }));
      const error = await rejectedGatewayError(provider.updateImage!('img-1', patch, context()));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.errors?.map((e) => e.field)).toEqual(fields);
      expect(upstream.requests).toHaveLength(0);
    });

    it('translates errno 41026 (image query failed) to NOT_FOUND', async () => {
      const { provider } = await didi(() => errno(41026, 'image query failed'));
      expect((await rejectedGatewayError(provider.updateImage!('gone', { name: 'web' }, context()))).code).toBe('NOT_FOUND');
    });
  });

  describe('deleteImage (cimg/delete)', () => {
    const deleted = jobAnswer({ jobUuid: '7b78be0bd59e5938bf149f60f0958b09', uuid: '7b78be0bd59e5938bf149f60f0958b09', type: 'DeleteCIMG', resourceUuid: 'img-1' });

    it('deletes in the only configured region', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/delete': () => deleted }));

      const result = await provider.deleteImage!('img-1', context());

      expect(upstream.requests).toHaveLength(1);
      expectJsonPost(upstream.requests[0], '/dicloud/i/storage/cimg/delete');
      expect(bodyOf(upstream.requests[0])).toEqual({ regionId: 'bj', cimg: [{ cimgUuid: 'img-1' }] });
      expect(result).toEqual<WriteResult>({
        accepted: true,
        image: null,
        operation: { id: 'didi:bj.7b78be0bd59e5938bf149f60f0958b09', provider: 'didi', type: 'DeleteCIMG', status: 'running', progress: 0, resourceId: 'didi:img-1', error: null },
      });
    });

    it('deletes in the region whose list holds the image', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/delete': () => deleted }, { bj: [], gz: [item('img-1')] }), 'bj,gz');
      await provider.deleteImage!('img-1', context());
      expect(upstream.requests.filter((r) => r.path === LIST).map((r) => bodyOf(r).regionId).sort()).toEqual(['bj', 'gz']);
      expect(writes(upstream).map(bodyOf)).toEqual([{ regionId: 'gz', cimg: [{ cimgUuid: 'img-1' }] }]);
    });

    it('answers NOT_FOUND, deleting nothing, when no configured region lists the image', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/delete': () => deleted }, { bj: [item('a')], gz: [item('b')] }), 'bj,gz');
      const error = await rejectedGatewayError(provider.deleteImage!('img-1', context()));
      expect(error.code).toBe('NOT_FOUND');
      expect(writes(upstream)).toHaveLength(0);
    });

    it('fails the delete without sending it when the lookup list fails', async () => {
      const { provider, upstream } = await didi((request) => (request.path === LIST ? errno(4, 'authentication failed') : deleted), 'bj,gz');
      expect((await rejectedGatewayError(provider.deleteImage!('img-1', context()))).code).toBe('UPSTREAM_AUTH_FAILED');
      expect(writes(upstream)).toHaveLength(0);
    });
  });
});
