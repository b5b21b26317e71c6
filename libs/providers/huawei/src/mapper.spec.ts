import { Image } from '@images/core';
import listImages from './fixtures/list-images.json';
import { mapHuaweiImage } from './mapper';

describe('mapHuaweiImage', () => {
  it('maps the vendor example item field by field', () => {
    const image = mapHuaweiImage(listImages.images[0], 'cn-north-4');
    expect(image).toEqual<Image>({
      id: 'huawei:d6b368bc-a24d-4fb5-a8fb-727356a53f33',
      provider: 'huawei',
      providerImageId: 'd6b368bc-a24d-4fb5-a8fb-727356a53f33',
      name: 'Euler_Online_Tenant_vAG',
      description: null,
      status: 'available',
      providerStatus: null,
      visibility: 'public',
      osType: 'linux',
      platform: null,
      osVersion: 'EulerOS 2.2 64bit',
      architecture: null,
      bits: 64,
      diskFormat: 'qcow2',
      sizeBytes: null,
      minDiskGiB: 50,
      minRamMiB: 0,
      regions: ['cn-north-4'],
      createdAt: null,
      updatedAt: null,
      extra: {},
    });
  });

  it('maps the second example item', () => {
    const image = mapHuaweiImage(listImages.images[1], 'cn-east-3');
    expect(image).toMatchObject({ id: 'huawei:bef99a44-2b6a-4ef9-b1a2-204a4910e374', name: 'FA-LZ-x86vAG-801temp', osVersion: 'EulerOS 2.5 64bit', bits: 64, minDiskGiB: 60, regions: ['cn-east-3'] });
  });

  it('maps the documented fields the example leaves out, and keeps vendor-only fields in extra', () => {
    const image = mapHuaweiImage(
      {
        id: 'img-1',
        image_type: 'private',
        os_type: 'Windows',
        architecture: 'arm',
        os_version: 'Windows Server 2019 32bit',
        disk_format: 'ZVHD2',
        name: 'win',
        min_ram: 4096,
        min_disk: 40,
        product_code: 'pc-1',
        created_at: '2020-10-27T11:51:10Z',
        kms_id: 'kms-1',
      },
      'cn-north-4',
    );
    expect(image).toMatchObject({
      visibility: 'private',
      osType: 'windows',
      architecture: 'arm64',
      bits: 32,
      diskFormat: 'zvhd2',
      minRamMiB: 4096,
      createdAt: '2020-10-27T11:51:10.000Z',
      extra: { product_code: 'pc-1', kms_id: 'kms-1' },
    });
  });

  it.each([
    ['Linux', 'linux'],
    ['Windows', 'windows'],
    ['Other', 'other'],
  ])('os_type %s -> %s', (osType, expected) => {
    expect(mapHuaweiImage({ id: 'i', os_type: osType }, 'r')?.osType).toBe(expected);
  });

  it.each([
    ['x86', 'x86_64'],
    ['arm', 'arm64'],
    ['sparc', null],
  ])('architecture %s -> %s', (architecture, expected) => {
    expect(mapHuaweiImage({ id: 'i', architecture }, 'r')?.architecture).toBe(expected);
  });

  it('reads created_at without a zone as UTC, and with a space separator', () => {
    expect(mapHuaweiImage({ id: 'i', created_at: '2020-10-27T11:51:10' }, 'r')?.createdAt).toBe('2020-10-27T11:51:10.000Z');
    expect(mapHuaweiImage({ id: 'i', created_at: '2020-10-27 11:51:10' }, 'r')?.createdAt).toBe('2020-10-27T11:51:10.000Z');
    expect(mapHuaweiImage({ id: 'i', created_at: 'yesterday' }, 'r')?.createdAt).toBeNull();
  });

  it('accepts numbers sent as strings', () => {
    expect(mapHuaweiImage({ id: 'i', min_disk: '40', min_ram: '1024' }, 'r')).toMatchObject({ minDiskGiB: 40, minRamMiB: 1024 });
  });

  it('keeps every field present, null where the vendor says nothing', () => {
    const image = mapHuaweiImage({ id: 'bare' }, 'cn-north-4') as Image;
    expect(image).toEqual<Image>({
      id: 'huawei:bare', provider: 'huawei', providerImageId: 'bare', name: null, description: null, status: 'available', providerStatus: null,
      visibility: 'unknown', osType: null, platform: null, osVersion: null, architecture: null, bits: null, diskFormat: null, sizeBytes: null,
      minDiskGiB: null, minRamMiB: null, regions: ['cn-north-4'], createdAt: null, updatedAt: null, extra: {},
    });
  });

  it('has no bits when os_version names none, and unknown image types are unknown visibility', () => {
    expect(mapHuaweiImage({ id: 'i', os_version: 'Ubuntu 22.04', image_type: 'market' }, 'r')).toMatchObject({ bits: null, visibility: 'unknown' });
  });

  it('returns null for an item without an id', () => {
    expect(mapHuaweiImage({ name: 'nameless' }, 'r')).toBeNull();
    expect(mapHuaweiImage({ id: '' }, 'r')).toBeNull();
  });
});
