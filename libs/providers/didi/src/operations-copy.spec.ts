import { WriteResult } from '@images/core';
import { rejectedGatewayError } from '@images/testing';
import { bodyOf, context, expectJsonPost, item, jobAnswer, useFakeDidi, vendor, writes } from './operations-spec-support';

describe('DiDi write operations against a loopback upstream', () => {
  const didi = useFakeDidi();

  describe('copyImage (cimg/import)', () => {
    const imported = jobAnswer({ jobUuid: '051f6d7688df5542be1a91123473d0df', uuid: '051f6d7688df5542be1a91123473d0df', type: 'ImportCIMG', resourceUuid: 'cbdba09c4ad4475f9f3d399947aaa99e' });

    it('imports into the target region from the region the catalog lists the image in', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': () => imported }, { bj: [item('4a48f88391134a01befe88ff98b68af8', { regions: ['bj'] })], gz: [] }), 'bj,gz');

      const result = await provider.copyImage!('4a48f88391134a01befe88ff98b68af8', { name: 'copy of 北京02', description: 'openapi test', region: 'gz' }, context());

      const [request] = writes(upstream);
      expectJsonPost(request, '/dicloud/i/storage/cimg/import');
      expect(bodyOf(request)).toEqual({
        regionId: 'gz',
        cimg: [{ name: 'copy of 北京02', originImageUuid: '4a48f88391134a01befe88ff98b68af8', originRegionId: 'bj', description: 'openapi test' }],
      });
      expect(result).toEqual<WriteResult>({
        accepted: true,
        image: null,
        operation: {
          id: 'didi:gz.051f6d7688df5542be1a91123473d0df',
          provider: 'didi',
          type: 'ImportCIMG',
          status: 'running',
          progress: 0,
          resourceId: 'didi:cbdba09c4ad4475f9f3d399947aaa99e',
          error: null,
        },
      });
    });

    it('takes an origin other than the target when the image is in several regions', async () => {
      const both = item('img-1', { regions: ['bj', 'gz'] });
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': () => imported }, { bj: [both], gz: [both], sh: [] }), 'bj,gz,sh');
      await provider.copyImage!('img-1', { name: 'copy', region: 'bj' }, context());
      expect(bodyOf(writes(upstream)[0])).toEqual({ regionId: 'bj', cimg: [{ name: 'copy', originImageUuid: 'img-1', originRegionId: 'gz' }] });
    });

    it.each<[string, string | undefined, string]>([
      ['no target region', undefined, 'region (the target DiDi region) is required for a DiDi copy'],
      ['a target outside DIDI_REGIONS', 'sh', 'region must be one of the configured DiDi regions (bj, gz)'],
    ])('refuses %s before any call', async (_label, region, message) => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': () => imported }, { bj: [item('img-1')] }), 'bj,gz');
      const error = await rejectedGatewayError(provider.copyImage!('img-1', { name: 'copy', region }, context()));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.errors).toEqual([{ field: 'region', message }]);
      expect(upstream.requests).toHaveLength(0);
    });

    it('answers CONFLICT for an image shared with the account, which DiDi does not copy', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': () => imported }, { bj: [item('img-1', { isShared: true })] }), 'bj,gz');
      const error = await rejectedGatewayError(provider.copyImage!('img-1', { name: 'copy', region: 'gz' }, context()));
      expect(error.code).toBe('CONFLICT');
      expect(writes(upstream)).toHaveLength(0);
    });

    it('answers NOT_FOUND for an image no configured region lists', async () => {
      const { provider, upstream } = await didi(vendor({ '/dicloud/i/storage/cimg/import': () => imported }, { bj: [item('other')] }));
      expect((await rejectedGatewayError(provider.copyImage!('img-1', { name: 'copy', region: 'bj' }, context()))).code).toBe('NOT_FOUND');
      expect(writes(upstream)).toHaveLength(0);
    });
  });
});
