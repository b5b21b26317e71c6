import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Image } from '@images/core';
import { mapUcloudImage, ucloudOs } from './mapper';

const docResponse = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'get-uvodn-image-response.json'), 'utf8'));
const docItem: Record<string, unknown> = docResponse.ImageList[0];
/** Every documented ImageInfo field, as the doc's table types them (strings). */
const fullItem = {
  ImageId: 'uodn-image-full',
  ImageName: 'Ubuntu 20.04',
  ImageType: '3',
  OcType: 'Ubuntu',
  ImageDesc: 'built by ci',
  State: '2',
  ImageSize: '20',
  CreateTime: '1603799470',
  DeployInfoList: [{ IdcId: 'idc-sh-1', State: 1 }, { IdcId: 'idc-bj-2', State: 5 }, { IdcId: 'idc-sh-1', State: 1 }],
};

describe('mapUcloudImage', () => {
  it('maps the vendor doc example item field by field', () => {
    expect(mapUcloudImage(docItem)).toEqual<Image>({
      id: 'ucloud:uodn-image-xxx',
      provider: 'ucloud',
      providerImageId: 'uodn-image-xxx',
      name: 'CentOS 7.2 64位',
      description: null,
      status: 'unknown',
      providerStatus: null,
      visibility: 'public',
      osType: 'linux',
      platform: 'CentOs',
      osVersion: null,
      architecture: null,
      bits: null,
      diskFormat: null,
      sizeBytes: null,
      minDiskGiB: null,
      minRamMiB: null,
      regions: [],
      createdAt: null,
      updatedAt: null,
      extra: {},
    });
  });

  it('maps every documented field, numbers sent as strings', () => {
    expect(mapUcloudImage(fullItem)).toEqual<Image>({
      id: 'ucloud:uodn-image-full',
      provider: 'ucloud',
      providerImageId: 'uodn-image-full',
      name: 'Ubuntu 20.04',
      description: 'built by ci',
      status: 'unavailable',
      providerStatus: '2',
      visibility: 'private',
      osType: 'linux',
      platform: 'Ubuntu',
      osVersion: null,
      architecture: null,
      bits: null,
      diskFormat: null,
      sizeBytes: 20 * 2 ** 30, // ImageSize is GB
      minDiskGiB: null,
      minRamMiB: null,
      regions: ['idc-sh-1', 'idc-bj-2'],
      createdAt: '2020-10-27T11:51:10.000Z', // CreateTime is epoch seconds
      updatedAt: null,
      extra: { DeployInfoList: fullItem.DeployInfoList },
    });
  });

  it('reads the same values sent as numbers', () => {
    const image = mapUcloudImage({ ...fullItem, ImageType: 3, State: 1, ImageSize: 20, CreateTime: 1603799470 });
    expect(image).toMatchObject({ visibility: 'private', status: 'available', providerStatus: '1', sizeBytes: 20 * 2 ** 30, createdAt: '2020-10-27T11:51:10.000Z' });
  });

  it('rounds a fractional size to whole bytes', () => {
    expect(mapUcloudImage({ ImageId: 'i', ImageSize: '0.5' })?.sizeBytes).toBe(2 ** 29);
    expect(mapUcloudImage({ ImageId: 'i', ImageSize: 'big' })?.sizeBytes).toBeNull();
  });

  it.each([
    [1, 'available'], ['1', 'available'], [2, 'unavailable'], ['2', 'unavailable'], [3, 'unknown'], ['x', 'unknown'], [undefined, 'unknown'],
  ])('State %j → %j', (State, status) => {
    expect(mapUcloudImage({ ImageId: 'i', State })?.status).toBe(status);
  });

  it.each([
    [1, 'public'], ['1', 'public'], [2, 'market'], ['2', 'market'], [3, 'private'], ['3', 'private'], [4, 'unknown'], [undefined, 'unknown'],
  ])('ImageType %j → %j', (ImageType, visibility) => {
    expect(mapUcloudImage({ ImageId: 'i', ImageType })?.visibility).toBe(visibility);
  });

  it('ignores deploy entries without an IdcId, and a DeployInfoList that is not a list', () => {
    expect(mapUcloudImage({ ImageId: 'i', DeployInfoList: [{ State: 1 }, { IdcId: '' }, 'x', { IdcId: 'idc-1' }] })?.regions).toEqual(['idc-1']);
    expect(mapUcloudImage({ ImageId: 'i', DeployInfoList: { IdcId: 'idc-1' } })?.regions).toEqual([]);
  });

  it('keeps fields the model has no place for in extra', () => {
    expect(mapUcloudImage({ ImageId: 'i', Zone: 'cn-sh2-01', Tags: ['a'], Nothing: null })?.extra).toEqual({ Zone: 'cn-sh2-01', Tags: ['a'] });
  });

  it('returns null for an item without ImageId or not an object', () => {
    expect(mapUcloudImage({ ...docItem, ImageId: undefined })).toBeNull();
    expect(mapUcloudImage([docItem])).toBeNull();
  });
});

describe('ucloudOs', () => {
  it.each([
    ['windows', 'windows', null], ['Windows', 'windows', null], ['Windows Server 2019', 'windows', null],
    ['unix', 'linux', null], ['Linux', 'linux', null],
    ['CentOs', 'linux', 'CentOs'], ['CentOS 7.9', 'linux', 'CentOS 7.9'], ['Ubuntu', 'linux', 'Ubuntu'], ['Debian', 'linux', 'Debian'],
    ['RedHat', 'linux', 'RedHat'], ['Rocky', 'linux', 'Rocky'], ['openEuler', 'linux', 'openEuler'], ['Anolis', 'linux', 'Anolis'],
    ['FreeBSD', 'other', 'FreeBSD'], [null, null, null],
  ])('OcType %j → osType %j, platform %j', (ocType, osType, platform) => {
    expect(ucloudOs(ocType)).toEqual({ osType, platform });
  });
});

