import { CreateImageInput, GatewayError, Image, ImageProvider, OPERATION_CAPABILITY, ProblemCode } from '@images/core';
import { FakeAnswer, FakeRequest, FakeUpstream, recordingDeps, startFakeUpstream } from '@images/testing';
import { CecstackConfig, CecstackProvider, cecstackConfigFromEnv, mapCecstackImage } from './index';
import copyRequest from './fixtures/copy-request.json';
import copyResponse from './fixtures/copy-response.json';
import createRequest from './fixtures/create-request.json';
import createResponse from './fixtures/create-response.json';
import deleteResponse from './fixtures/delete-response.json';
import exportRequest from './fixtures/export-request.json';
import exportResponse from './fixtures/export-response.json';
import imageDetail from './fixtures/image-detail.json';
import importRequest from './fixtures/import-request.json';
import importResponse from './fixtures/import-response.json';
import ossBucketList from './fixtures/oss-bucket-list-response.json';
import shareListResponse from './fixtures/share-list-response.json';
import shareRequest from './fixtures/share-request.json';
import shareResponse from './fixtures/share-response.json';
import sharedImageDeleteResponse from './fixtures/shared-image-delete-response.json';
import sharedImages from './fixtures/shared-images.json';
import updateRequest from './fixtures/update-request.json';
import updateResponse from './fixtures/update-response.json';
import uploadDoneRequest from './fixtures/upload-done-request.json';
import uploadDoneResponse from './fixtures/upload-done-response.json';
import uploadPrepareRequest from './fixtures/upload-prepare-request.json';
import uploadPrepareResponse from './fixtures/upload-prepare-response.json';

const TOKEN = 'cecstack-token-value-for-tests';
const REGION = 'region0';
const API = '/api/image/v1';

type Route = FakeAnswer | ((request: FakeRequest) => FakeAnswer);

/** Answers by `METHOD path`; anything else is a 404 the test would notice. */
function routes(table: Record<string, Route>) {
  return (request: FakeRequest): FakeAnswer => {
    const route = table[`${request.method} ${request.path}`];
    if (route === undefined) return { status: 404, body: `no route ${request.method} ${request.path}` };
    return typeof route === 'function' ? route(request) : route;
  };
}

const success = (data: unknown) => ({ body: { requestId: 'req-ok', code: 'Success', message: '调用成功', data } });
const page = (list: unknown[]) => success({ size: 100, current: 1, total: list.length, list });
const vendorError = (code: string, status = 400): FakeAnswer => ({ status, body: { requestId: 'req-err', code, message: '失败', data: null } });
const noData = vendorError('IMG.DBGet.NoData');

function configFor(url: string, account: Partial<Record<'CECSTACK_TENANT_ID' | 'CECSTACK_DEPARTMENT_ID' | 'CECSTACK_RESOURCE_GROUP_ID', string>> = {}): CecstackConfig {
  return cecstackConfigFromEnv({ CECSTACK_ENDPOINT: url, CECSTACK_TOKEN: TOKEN, CECSTACK_REGION_ID: REGION, ...account }) as CecstackConfig;
}

/** The account of the doc's create example (1.6.8). */
const CREATE_ACCOUNT = { CECSTACK_TENANT_ID: '7074631167042813952', CECSTACK_DEPARTMENT_ID: '7074631167051202560' };

const ctx = () => ({ signal: AbortSignal.timeout(5000) });

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  const outcome = await promise.then(() => 'resolved', (error: unknown) => error);
  if (outcome instanceof GatewayError) return outcome;
  throw new Error(`expected a GatewayError, got ${String(outcome)}`);
}

function expectVendorCall(request: FakeRequest | undefined, method: string, path: string, body?: unknown): void {
  expect(request).toBeDefined();
  expect({ method: request!.method, path: request!.path }).toEqual({ method, path });
  expect(request!.headers['x-regionid']).toBe(REGION);
  expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  if (body === undefined) {
    expect(request!.body).toBe('');
  } else {
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toEqual(body);
  }
}

const detailOf = (data: Record<string, unknown>) => success(data);
const ownRecord = (imageId: string, extra: Record<string, unknown> = {}) => ({ ...imageDetail.data, imageId, visibility: 'private', owner: 'tenant-me', ...extra });
const shareOf = (imageId: string, shareId: string) => ({ ...sharedImages.data.list[0], shareId, imageId, image: { ...sharedImages.data.list[0].image, imageId } });
const SHARED_ID = sharedImages.data.list[0].imageId;
const SHARE_ID = sharedImages.data.list[0].shareId;

describe('CECSTACK provider operations against a real HTTP server', () => {
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  async function serve(table: Record<string, Route>, account = {}, deps = recordingDeps()) {
    upstream = await startFakeUpstream(routes(table));
    return { provider: new CecstackProvider(configFor(upstream.url, account), deps), deps, requests: upstream.requests };
  }

  describe('capabilities', () => {
    it('lists get and every write it has, create and copy only with a tenant and department to act for', () => {
      const bare = new CecstackProvider(configFor('https://ims.example.com'), recordingDeps());
      const full = new CecstackProvider(configFor('https://ims.example.com', CREATE_ACCOUNT), recordingDeps());
      expect(bare.capabilities).toEqual(['list', 'get', 'update', 'delete', 'upload', 'download', 'share', 'export']);
      expect([...full.capabilities].sort()).toEqual(['copy', 'create', 'delete', 'download', 'export', 'get', 'list', 'share', 'update', 'upload']);
      // The gateway answers 501 for a missing method: a capability is listed exactly when its methods are there.
      for (const provider of [bare, full]) {
        for (const [method, capability] of Object.entries(OPERATION_CAPABILITY)) {
          const present = typeof (provider as ImageProvider)[method as keyof ImageProvider] === 'function';
          expect([method, present]).toEqual([method, provider.capabilities.includes(capability)]);
        }
        expect(typeof provider.getImage).toBe('function');
      }
      expect(bare.createImage).toBeUndefined();
      expect(bare.copyImage).toBeUndefined();
    });
  });

  describe('getImage', () => {
    it('reads the detail (1.4) and maps it as the list mapper does', async () => {
      const { provider, requests } = await serve({ [`GET ${API}/images/img-kvvfk28fcjc0mt`]: success(imageDetail.data) });
      const image = await provider.getImage('img-kvvfk28fcjc0mt', ctx());
      expect(image).toEqual(mapCecstackImage(imageDetail.data, { regionId: REGION, list: 'public' }));
      expect(image).toMatchObject({ id: 'cecstack:img-kvvfk28fcjc0mt', visibility: 'public', status: 'available', architecture: 'x86_64', bits: 32, regions: ['ecs49'] });
      // A public record needs no lookup.
      expect(requests).toHaveLength(1);
      expectVendorCall(requests[0], 'GET', `${API}/images/img-kvvfk28fcjc0mt`);
    });

    it('is null when the vendor says IMG.DBGet.NoData, but a bare 404 is an error', async () => {
      const { provider } = await serve({ [`GET ${API}/images/img-gone`]: noData, [`GET ${API}/images/img-proxy`]: { status: 404, body: 'not found' } });
      expect(await provider.getImage('img-gone', ctx())).toBeNull();
      expect((await failure(provider.getImage('img-proxy', ctx()))).code).toBe('NOT_FOUND');
    });

    it('an image shared with the account is `shared` with its shareId, exactly as in the catalog', async () => {
      // The detail of a shared image is the owner's record: visibility private.
      const table = {
        [`GET ${API}/images/${SHARED_ID}`]: success(sharedImages.data.list[0].image),
        [`GET ${API}/images`]: page([]),
        [`GET ${API}/private-images`]: page([]),
        [`GET ${API}/shared-images`]: page(sharedImages.data.list),
      };
      const { provider, requests } = await serve(table);
      const image = await provider.getImage(SHARED_ID, ctx());
      const fromCatalog = (await provider.listCatalog(ctx())).find((candidate) => candidate.providerImageId === SHARED_ID);

      expect(image).toMatchObject<Partial<Image>>({ visibility: 'shared', name: 'test', status: 'available' });
      expect(image?.extra.shareId).toBe(SHARE_ID);
      expect(image).toEqual(fromCatalog);
      const ownLookup = requests.find((r) => r.path === `${API}/private-images`);
      expect(ownLookup?.query.get('filter')).toBe(`imageId:eq:${SHARED_ID}`);
      expect(requests.find((r) => r.path === `${API}/shared-images`)?.query.get('orderBy')).toBe('createdAt:desc');
    });

    it('the account own record wins over a share, as in the catalog', async () => {
      const own = ownRecord(SHARED_ID);
      const { provider } = await serve({
        [`GET ${API}/images/${SHARED_ID}`]: success(own),
        // The filter matches substrings: only the exact id counts.
        [`GET ${API}/private-images`]: page([ownRecord(`${SHARED_ID}-other`), own]),
        [`GET ${API}/shared-images`]: page(sharedImages.data.list),
      });
      const image = await provider.getImage(SHARED_ID, ctx());
      expect(image).toMatchObject({ visibility: 'private', providerImageId: SHARED_ID });
      expect(image?.extra.shareId).toBeUndefined();
    });

    it('with CECSTACK_TENANT_ID, an owner that is the tenant settles it without a lookup', async () => {
      const { provider, requests } = await serve({ [`GET ${API}/images/img-mine`]: success(ownRecord('img-mine', { owner: 'tenant-me' })) }, { CECSTACK_TENANT_ID: 'tenant-me' });
      expect(await provider.getImage('img-mine', ctx())).toMatchObject({ visibility: 'private', extra: expect.objectContaining({ owner: 'tenant-me' }) });
      expect(requests).toHaveLength(1);
    });

    it('a vendor error on the detail is translated', async () => {
      const { provider } = await serve({ [`GET ${API}/images/img-1`]: vendorError('IMG.OperationDenied.AuthFail') });
      expect(await failure(provider.getImage('img-1', ctx()))).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', upstream: { status: 400, code: 'IMG.OperationDenied.AuthFail' } });
    });
  });

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

  describe('upload', () => {
    const ID = 'img-kvvfk28fcjc0mt';

    it('prepareUpload: POST upload-prepare {size}, the object-storage details in camelCase, never logged', async () => {
      const deps = recordingDeps();
      const { provider, requests } = await serve({ [`POST ${API}/private-images/${ID}/upload-prepare`]: { body: uploadPrepareResponse } }, {}, deps);
      const target = await provider.prepareUpload(ID, { sizeBytes: 104234 }, ctx());

      expectVendorCall(requests[0], 'POST', `${API}/private-images/${ID}/upload-prepare`, uploadPrepareRequest);
      expect(target).toEqual({
        uploadId: null, imageUrl: '', accessKey: 'E8iGSz1FLwTsaIw9MAEh', secretKey: 'R3rvxgFc1x9WkynfO4B8bYw6I78uYKtGgvdFanMk', token: '',
        bucket: 'iaas-image-bc9ce42d2a804f718d3022797a5cc13a', file: 'img-xs6oaf7h9kvxr', domain: 'https://10.253.101.4:8009',
      });
      const surfaces = [...deps.logLines, JSON.stringify(deps.events)].join('\n');
      expect(deps.logLines.length).toBeGreaterThan(0);
      expect(surfaces).not.toContain('R3rvxgFc1x9WkynfO4B8bYw6I78uYKtGgvdFanMk');
      expect(surfaces).not.toContain('E8iGSz1FLwTsaIw9MAEh');
    });

    it('prepareUpload: an answer without bucket and file is a bad response; vendor refusals are translated', async () => {
      const { provider } = await serve({
        [`POST ${API}/private-images/img-a/upload-prepare`]: success({ accessKey: 'a' }),
        [`POST ${API}/private-images/img-b/upload-prepare`]: vendorError('IMG.OperationFailed.UploadNotAllowed'),
        [`POST ${API}/private-images/img-c/upload-prepare`]: vendorError('IMG.OperationFailed.UploadNotPermission'),
      });
      expect((await failure(provider.prepareUpload('img-a', { sizeBytes: 1 }, ctx()))).code).toBe('UPSTREAM_BAD_RESPONSE');
      expect((await failure(provider.prepareUpload('img-b', { sizeBytes: 1 }, ctx()))).code).toBe('CONFLICT');
      expect((await failure(provider.prepareUpload('img-c', { sizeBytes: 1 }, ctx()))).code).toBe('FORBIDDEN');
    });

    it('completeUpload: POST upload-done {result, uploadId}; success is vendor work in progress', async () => {
      const { provider, requests } = await serve({ [`POST ${API}/private-images/${ID}/upload-done`]: { body: uploadDoneResponse } });
      expect(await provider.completeUpload(ID, { result: 'success', uploadId: 'test' }, ctx())).toEqual({ image: null, operation: null, accepted: true });
      expectVendorCall(requests[0], 'POST', `${API}/private-images/${ID}/upload-done`, uploadDoneRequest);
      expect(await provider.completeUpload(ID, { result: 'failed' }, ctx())).toEqual({ image: null, operation: null, accepted: false });
      expect(JSON.parse(requests[1].body)).toEqual({ result: 'failed' });
    });
  });

  describe('downloadImage', () => {
    const ID = 'img-kvvfk28fcjc0mt';

    it('GET private-images/{id}/file streamed, Range passed through, only the file headers handed on', async () => {
      const { provider, requests } = await serve({
        [`GET ${API}/private-images/${ID}/file`]: (request): FakeAnswer => (request.headers.range === 'bytes=2-5'
          ? { status: 206, headers: { 'content-type': 'application/octet-stream', 'Content-Range': 'bytes 2-5/10', 'Content-Length': '4', 'Set-Cookie': 'lb=1', 'X-Internal': 'x' }, body: '2345' }
          : { status: 200, headers: { 'content-type': 'application/octet-stream', 'Content-Disposition': 'attachment; filename="test.qcow2"' }, body: '0123456789' }),
      });
      const part = await provider.downloadImage(ID, { range: 'bytes=2-5' }, ctx());
      expect(part.status).toBe(206);
      expect(part.headers).toEqual({ 'content-type': 'application/octet-stream', 'content-range': 'bytes 2-5/10', 'content-length': '4' });
      const chunks: Buffer[] = [];
      for await (const chunk of part.body) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('2345');
      expectVendorCall(requests[0], 'GET', `${API}/private-images/${ID}/file`);
      expect(requests[0].headers.range).toBe('bytes=2-5');

      const whole = await provider.downloadImage(ID, {}, ctx());
      expect(whole.status).toBe(200);
      expect(whole.headers['content-disposition']).toBe('attachment; filename="test.qcow2"');
      whole.body.resume();
      expect(requests[1].headers.range).toBeUndefined();
    });

    it.each<[string, ProblemCode]>([
      ['IMG.OperationFailed.DownloadNotAllowed', 'CONFLICT'],
      ['IMG.OperationFailed.DownloadNotallowed', 'CONFLICT'],
      ['IMG.DBGet.NoData', 'NOT_FOUND'],
      ['IMG.OperationDenied.Identity', 'FORBIDDEN'],
    ])('a vendor error %s on the file -> %s', async (code, expected) => {
      const { provider } = await serve({ [`GET ${API}/private-images/${ID}/file`]: vendorError(code) });
      expect(await failure(provider.downloadImage(ID, {}, ctx()))).toMatchObject({ code: expected, provider: 'cecstack', upstream: { status: 400, code } });
    });

    it('an unsatisfiable range -> VALIDATION_FAILED on range', async () => {
      const { provider } = await serve({ [`GET ${API}/private-images/${ID}/file`]: { status: 416, headers: { 'Content-Range': 'bytes */10' }, body: '' } });
      const error = await failure(provider.downloadImage(ID, { range: 'bytes=20-' }, ctx()));
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'range', message: 'is not satisfiable for this file' }] });
      expect(error.detail).toContain('bytes */10');
    });
  });

  describe('shares', () => {
    const ID = 'img-2fpe4gppddvq8c';

    it('listShares: GET private-images/{id}/share, paged, mapped', async () => {
      const { provider, requests } = await serve({ [`GET ${API}/private-images/${ID}/share`]: { body: shareListResponse } });
      expect(await provider.listShares(ID, ctx())).toEqual([
        { userId: '7085524801413873664', shareId: 'img-share-mabwezvcbsap5apvpho', status: null, createdAt: '2023-07-14T07:47:08.853Z' },
      ]);
      expectVendorCall(requests[0], 'GET', `${API}/private-images/${ID}/share`);
      expect([requests[0].query.get('current'), requests[0].query.get('size')]).toEqual(['1', '100']);
      expect(requests).toHaveLength(1);
    });

    it('listShares walks pages until a short one (the doc calls total a page count)', async () => {
      const all = Array.from({ length: 130 }, (_, i) => ({ ...shareListResponse.data.list[0], userId: `u${i}`, shareId: `s${i}` }));
      const { provider, requests } = await serve({
        [`GET ${API}/private-images/${ID}/share`]: (request) => {
          const current = Number(request.query.get('current'));
          const size = Number(request.query.get('size'));
          return success({ size, current, total: 2, list: all.slice((current - 1) * size, current * size) });
        },
      });
      const shares = await provider.listShares(ID, ctx());
      expect(shares.map((s) => s.userId)).toEqual(all.map((s) => s.userId));
      expect(requests.map((r) => r.query.get('current'))).toEqual(['1', '2']);
    });

    it('shareImage: POST share {shares: {user_ids}} (the doc example), answered with the shares listed after', async () => {
      const { provider, requests } = await serve({
        [`POST ${API}/private-images/${ID}/share`]: { body: shareResponse },
        [`GET ${API}/private-images/${ID}/share`]: { body: shareListResponse },
      });
      const shares = await provider.shareImage(ID, { userIds: ['7085524801413873664'] }, ctx());
      expectVendorCall(requests[0], 'POST', `${API}/private-images/${ID}/share`, shareRequest);
      expect(shares).toEqual([{ userId: '7085524801413873664', shareId: 'img-share-mabwezvcbsap5apvpho', status: null, createdAt: '2023-07-14T07:47:08.853Z' }]);
    });

    it('shareImage: the share stands when the list after it fails', async () => {
      const { provider } = await serve({ [`POST ${API}/private-images/${ID}/share`]: { body: shareResponse }, [`GET ${API}/private-images/${ID}/share`]: vendorError('IMG.Internal.Error') });
      expect(await provider.shareImage(ID, { userIds: ['u1'] }, ctx())).toEqual([{ userId: 'u1', shareId: null, status: null, createdAt: null }]);
    });

    it('shareImage refuses 0, more than 50, or repeated user ids before any call', async () => {
      const { provider, requests } = await serve({});
      for (const userIds of [[], Array.from({ length: 51 }, (_, i) => `u${i}`), ['u1', 'u1']]) {
        expect(await failure(provider.shareImage(ID, { userIds }, ctx()))).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'userIds' })] });
      }
      expect(requests).toHaveLength(0);
    });

    it('unshareImage: POST unshare with the one user id', async () => {
      const { provider, requests } = await serve({ [`POST ${API}/private-images/${ID}/unshare`]: { body: shareResponse } });
      await expect(provider.unshareImage(ID, '7085524801413873664', ctx())).resolves.toBeUndefined();
      expectVendorCall(requests[0], 'POST', `${API}/private-images/${ID}/unshare`, shareRequest);
    });
  });

  describe('export', () => {
    it('listExportTargets: GET oss-bucket-list, each bucket {name, azId, cellId}', async () => {
      const { provider, requests } = await serve({ [`GET ${API}/private-images/img-kvvfk28fcjc0mt/oss-bucket-list`]: { body: ossBucketList } });
      expect(await provider.listExportTargets('img-kvvfk28fcjc0mt', ctx())).toEqual([
        { name: 'hello1', azId: 'AZ0', cellId: 'ecs49' },
        { name: 'hello2', azId: 'AZ0', cellId: 'ecs49' },
      ]);
      expectVendorCall(requests[0], 'GET', `${API}/private-images/img-kvvfk28fcjc0mt/oss-bucket-list`);
    });

    it('listExportTargets: data that is not an array of buckets is a bad response', async () => {
      const { provider } = await serve({ [`GET ${API}/private-images/img-1/oss-bucket-list`]: success({ list: [] }), [`GET ${API}/private-images/img-2/oss-bucket-list`]: success(['hello1']) });
      expect((await failure(provider.listExportTargets('img-1', ctx()))).code).toBe('UPSTREAM_BAD_RESPONSE');
      expect((await failure(provider.listExportTargets('img-2', ctx()))).code).toBe('UPSTREAM_BAD_RESPONSE');
    });

    it('exportImage: POST custom-images/{id}/export with the bucket only (the doc example), accepted', async () => {
      const { provider, requests } = await serve({ [`POST ${API}/custom-images/img-wr17xc4linx9po/export`]: { body: exportResponse } });
      const bucket = { ...exportRequest.bucket, label: 'not sent' };
      expect(await provider.exportImage('img-wr17xc4linx9po', { bucket }, ctx())).toEqual({ image: null, operation: null, accepted: true });
      expectVendorCall(requests[0], 'POST', `${API}/custom-images/img-wr17xc4linx9po/export`, exportRequest);
    });
  });

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
