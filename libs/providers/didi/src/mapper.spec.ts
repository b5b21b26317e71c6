import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Image } from '@images/core';
import { didiStatus, didiVisibility, mapDidiImage, mergeRegionalImages } from './mapper';

const listResponse = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'cimg-list-response.json'), 'utf8'));
const docItem: Record<string, unknown> = listResponse.data.items[0];
const GIB_20 = 20 * 2 ** 30;

describe('mapDidiImage', () => {
  it('maps the vendor doc example item field by field', () => {
    expect(mapDidiImage(docItem)).toEqual<Image>({
      id: 'didi:4a48f88391134a01befe88ff98b68a88',
      provider: 'didi',
      providerImageId: '4a48f88391134a01befe88ff98b68a88',
      name: '北京02',
      description: null, // "" says nothing
      status: 'available',
      providerStatus: 'Ready',
      visibility: 'private',
      osType: 'linux',
      platform: 'CentOS',
      osVersion: '7',
      architecture: null,
      bits: 64,
      diskFormat: null,
      sizeBytes: 549899264,
      minDiskGiB: 8, // 8589934592 bytes
      minRamMiB: null,
      regions: ['bj'],
      createdAt: '2020-10-27T11:51:10.000Z', // 1603799470000 ms
      updatedAt: '2020-10-27T11:51:10.000Z',
      extra: {
        backupStorages: docItem.backupStorages,
        checkState: 'uncheck',
        cimgId: 'cimg-cy58anir',
        cimgTags: [],
        isExternal: true,
        scenes: ['base'],
        type: 'custom',
        zones: ['bj01'],
      },
    });
  });

  it('reads numbers and booleans sent as strings', () => {
    const image = mapDidiImage({
      ...docItem,
      createTime: '1603799470000',
      updateTime: '1603799471500',
      size: '549899264',
      isShared: 'true',
      requirement: { minDiskSize: '8589934592', minMemorySize: '1073741824' },
    });
    expect(image).toMatchObject({
      createdAt: '2020-10-27T11:51:10.000Z',
      updatedAt: '2020-10-27T11:51:11.500Z',
      sizeBytes: 549899264,
      visibility: 'shared',
      minDiskGiB: 8,
      minRamMiB: 1024,
    });
  });

  it('gives every field, null or empty, for an item that says nothing but its id', () => {
    expect(mapDidiImage({ cimgUuid: 'c1' })).toEqual<Image>({
      id: 'didi:c1', provider: 'didi', providerImageId: 'c1', name: null, description: null, status: 'unknown',
      providerStatus: null, visibility: 'unknown', osType: null, platform: null, osVersion: null, architecture: null,
      bits: null, diskFormat: null, sizeBytes: null, minDiskGiB: null, minRamMiB: null, regions: [], createdAt: null,
      updatedAt: null, extra: {},
    });
  });

  it('returns null for an item without cimgUuid or not an object', () => {
    expect(mapDidiImage({ ...docItem, cimgUuid: undefined })).toBeNull();
    expect(mapDidiImage({ ...docItem, cimgUuid: '' })).toBeNull();
    expect(mapDidiImage('4a48f88391134a01befe88ff98b68a88')).toBeNull();
    expect(mapDidiImage(null)).toBeNull();
  });

  it('adds the region whose list returned the item, once', () => {
    expect(mapDidiImage(docItem, 'bj')?.regions).toEqual(['bj']);
    expect(mapDidiImage(docItem, 'gz')?.regions).toEqual(['bj', 'gz']);
    expect(mapDidiImage({ cimgUuid: 'c1' }, 'gz')?.regions).toEqual(['gz']);
  });

  it('rounds a minimum disk that is not whole GiB up', () => {
    expect(mapDidiImage({ cimgUuid: 'c1', requirement: { minDiskSize: 990707712 } })?.minDiskGiB).toBe(1);
  });

  it('keeps requirement fields the model has no place for in extra', () => {
    const image = mapDidiImage({ cimgUuid: 'c1', requirement: { minDiskSize: GIB_20, minCpuNum: 2 } });
    expect(image?.extra).toEqual({ requirement: { minCpuNum: 2 } });
    expect(image?.minDiskGiB).toBe(20);
  });

  it.each([
    ['Linux', 'linux'], ['linux', 'linux'], ['Windows', 'windows'], ['FreeBSD', 'other'], ['', null],
  ])('platform %j → osType %j', (platform, osType) => {
    expect(mapDidiImage({ cimgUuid: 'c1', platform })?.osType).toBe(osType);
  });

  it.each([
    ['64bit', 64], ['32bit', 32], ['64 bit', 64], ['64-Bit', 64], ['x86_64', null], ['128bit', null], [undefined, null],
  ])('osArch %j → bits %j', (osArch, bits) => {
    expect(mapDidiImage({ cimgUuid: 'c1', osArch })?.bits).toBe(bits);
  });
});

describe('didiStatus', () => {
  it.each([
    ['Ready', 'available'], ['ready', 'available'],
    ['Creating', 'pending'], ['Processing', 'pending'], ['Downloading', 'pending'], ['Importing', 'pending'],
    ['Copying', 'pending'], ['Uploading', 'pending'], ['Converting', 'pending'],
    ['Error', 'failed'], ['CreateFailed', 'failed'], ['failed', 'failed'],
    ['Deleted', 'unknown'], ['Enabled', 'unknown'], [null, 'unknown'],
  ])('%j → %j', (status, expected) => {
    expect(didiStatus(status)).toBe(expected);
  });
});

describe('didiVisibility', () => {
  it.each([
    [true, 'custom', 'shared'], [true, 'standard', 'shared'],
    [false, 'custom', 'private'], [null, 'Custom', 'private'],
    [false, 'standard', 'public'], [false, 'oneClick', 'public'], [false, 'public', 'public'],
    [false, 'market', 'unknown'], [false, null, 'unknown'], [null, null, 'unknown'],
  ])('isShared %j, type %j → %j', (isShared, type, expected) => {
    expect(didiVisibility(isShared, type)).toBe(expected);
  });
});

describe('mergeRegionalImages', () => {
  it('keeps one image per cimgUuid, the first copy, with the regions of all copies', () => {
    const bj = mapDidiImage({ ...docItem, regions: ['bj'] }, 'bj')!;
    const gz = mapDidiImage({ ...docItem, name: 'other copy', regions: ['gz'] }, 'gz')!;
    const other = mapDidiImage({ cimgUuid: 'c2' }, 'gz')!;
    const merged = mergeRegionalImages([bj, other, gz]);
    expect(merged.map((image) => image.id)).toEqual([bj.id, other.id]);
    expect(merged[0]).toEqual({ ...bj, regions: ['bj', 'gz'] });
  });
});
