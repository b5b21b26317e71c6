import { CreateImageInput } from '@images/core';
import { mapCecstackImage } from './index';
import copyRequest from './fixtures/copy-request.json';
import copyResponse from './fixtures/copy-response.json';
import createRequest from './fixtures/create-request.json';
import createResponse from './fixtures/create-response.json';
import importRequest from './fixtures/import-request.json';
import importResponse from './fixtures/import-response.json';
import { API, CREATE_ACCOUNT, REGION, ctx, expectVendorCall, failure, noData, ownRecord, page, shareOf, success, useFakeIms } from './provider-spec-support';

describe('CECSTACK provider operations against a real HTTP server', () => {
  const serve = useFakeIms();

  describe('createImage', () => {
    // The doc's create example (1.6.8) as the gateway's input.
    const docInput: CreateImageInput = {
      name: 'centos8.2', diskFormat: 'qcow2', minDiskGiB: 10, minRamMiB: 512, osType: 'linux', platform: 'CentOS', architecture: 'x86_64', bits: 64,
      visibility: 'private', imageType: 'os_image', usage: 'ecs',
    };

    it('without fromUrl: POST private-images with the doc example body, the new record mapped as pending, accepted', async () => {
      const { provider, requests } = await serve({ [`POST ${API}/private-images`]: { body: createResponse } }, CREATE_ACCOUNT);
      const result = await provider.createImage!(docInput, ctx());

      expect(requests).toHaveLength(1);
      expectVendorCall(requests[0], 'POST', `${API}/private-images`, createRequest);
      expect(result).toEqual({ image: mapCecstackImage(createResponse.data, { regionId: REGION, list: 'private' }), operation: null, accepted: true });
      expect(result.image).toMatchObject({
        id: 'cecstack:img-ja541mkm4kxt67', status: 'pending', providerStatus: 'queued', visibility: 'private', minDiskGiB: 10, minRamMiB: 512,
        architecture: 'x86_64', bits: 64, createdAt: '2023-06-15T06:02:03.756Z',
      });
    });

    it('maps the gateway enums to the vendor ones: arm64 -> arm, 32 -> "32-bits", case of platform and bootMode; defaults imageType, usage, visibility', async () => {
      const { provider, requests } = await serve({ [`POST ${API}/private-images`]: { body: createResponse } }, { ...CREATE_ACCOUNT, CECSTACK_RESOURCE_GROUP_ID: 'rg-1' });
      await provider.createImage!({ name: 'k', description: '麒麟镜像', diskFormat: 'RAW', minDiskGiB: 40, minRamMiB: 2048, osType: 'linux', platform: 'cclinux', osVersion: 'v2', architecture: 'arm64', bits: 32, bootMode: 'uefi' }, ctx());
      expect(JSON.parse(requests[0].body)).toEqual({
        diskFormat: 'raw', minDisk: 40, minRam: 2048, name: 'k', description: '麒麟镜像', imageType: 'os_image', instruction: '32-bits', cpuArch: 'arm',
        osType: 'linux', platform: 'CCLinux', osVersion: 'v2', visibility: 'private', usage: 'ecs', bootMode: 'UEFI',
        departmentId: CREATE_ACCOUNT.CECSTACK_DEPARTMENT_ID, tenantId: CREATE_ACCOUNT.CECSTACK_TENANT_ID, resourceGroupId: 'rg-1',
      });
    });

    it('with fromUrl: POST private-images/import with the doc example body (volumeImages for data disks), accepted', async () => {
      const account = { CECSTACK_TENANT_ID: '1813606081461485576', CECSTACK_DEPARTMENT_ID: '1813606081461485577' };
      const { provider, requests } = await serve({ [`POST ${API}/private-images/import`]: { body: importResponse } }, account);
      const url = 'https://10.253.6.101/CeaKE/zhangyuhe/kylinv10sp3-20240228-k8s.qcow2';
      const result = await provider.createImage!({
        name: '导入镜像', diskFormat: 'qcow2', minDiskGiB: 10, minRamMiB: 1024, osType: 'linux', platform: 'CCLinux', osVersion: 'v2', architecture: 'x86_64', bits: 32,
        usage: 'ecs', fromUrl: url, dataDisks: [{ url, minDiskGiB: 10 }],
      }, ctx());

      expect(requests).toHaveLength(1);
      expectVendorCall(requests[0], 'POST', `${API}/private-images/import`, importRequest);
      expect(result).toMatchObject({ operation: null, accepted: true, image: { id: 'cecstack:img-gy4vuyga35szng', status: 'pending', providerStatus: 'saving', name: '导入测试' } });
    });

    it('refuses what CECSTACK cannot take before any call', async () => {
      const { provider, requests } = await serve({}, CREATE_ACCOUNT);
      const missing = await failure(provider.createImage!({ name: 'n', diskFormat: 'qcow2', osType: 'linux' }, ctx()));
      expect(missing.code).toBe('VALIDATION_FAILED');
      expect(missing.errors?.map((e) => e.field).sort()).toEqual(['architecture', 'bits', 'minDiskGiB', 'minRamMiB', 'platform']);
      expect((await failure(provider.createImage!({ ...docInput, visibility: 'shared' }, ctx()))).errors).toEqual([{ field: 'visibility', message: 'must be one of public, private, market' }]);
      expect((await failure(provider.createImage!({ ...docInput, visibility: 'public', fromUrl: 'https://x/y.qcow2' }, ctx()))).errors?.[0].field).toBe('visibility');
      expect((await failure(provider.createImage!({ ...docInput, dataDisks: [{ url: 'https://x', minDiskGiB: 1 }] }, ctx()))).errors?.[0].field).toBe('dataDisks');
      expect(requests).toHaveLength(0);
    });

    it('a failed create is never retried, even when the vendor is unavailable', async () => {
      const { provider, requests } = await serve({ [`POST ${API}/private-images`]: { status: 503, body: 'busy' } }, CREATE_ACCOUNT);
      expect((await failure(provider.createImage!(docInput, ctx()))).code).toBe('UPSTREAM_UNAVAILABLE');
      expect(requests).toHaveLength(1);
    });
  });

  describe('copyImage', () => {
    const account = { CECSTACK_TENANT_ID: '1845802001481407751', CECSTACK_DEPARTMENT_ID: '1845802001481407752', CECSTACK_RESOURCE_GROUP_ID: '1855053812545355776' };
    const shareId = 'img-share-ebgqhlf7j4061fjx2bku';

    it('an image shared with the account: POST shared-images/{shareId}/copy with the doc example body, the copy mapped, accepted', async () => {
      const { provider, requests } = await serve({
        [`GET ${API}/shared-images`]: page([shareOf('img-src', shareId)]),
        [`POST ${API}/shared-images/${shareId}/copy`]: { body: copyResponse },
      }, account);
      const result = await provider.copyImage!('img-src', { name: '名称', description: '描述' }, ctx());

      const copy = requests.filter((r) => r.method === 'POST');
      expect(copy).toHaveLength(1);
      expectVendorCall(copy[0], 'POST', `${API}/shared-images/${shareId}/copy`, copyRequest);
      expect(result).toEqual({ image: mapCecstackImage(copyResponse.data, { regionId: REGION, list: 'private' }), operation: null, accepted: true });
      expect(result.image).toMatchObject({ id: 'cecstack:img-1w0x82kpybroot', status: 'pending', description: 'siri-describe', visibility: 'private', bits: 64 });
    });

    it('an image not shared with the account: CONFLICT when it exists, NOT_FOUND when not; nothing copied', async () => {
      const { provider, requests } = await serve({
        [`GET ${API}/shared-images`]: page([]),
        [`GET ${API}/images/img-own`]: success(ownRecord('img-own')),
        [`GET ${API}/images/img-gone`]: noData,
      }, account);
      expect((await failure(provider.copyImage!('img-own', { name: 'n' }, ctx()))).code).toBe('CONFLICT');
      expect((await failure(provider.copyImage!('img-gone', { name: 'n' }, ctx()))).code).toBe('NOT_FOUND');
      expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    });
  });
});
