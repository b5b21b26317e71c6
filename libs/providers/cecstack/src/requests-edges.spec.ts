import { CreateImageInput } from '@images/core';
import {
  copyImageBody, createImageBody, createInputErrors, exportBody, importImageBody, mapExportTarget, mapUploadTarget, shareInputErrors, sharesBody, updateImageBody,
  updatePatchErrors,
} from './requests';

const account = { tenantId: 't-1', departmentId: 'd-1', regionId: 'region0' };
const input: CreateImageInput = { name: 'n', diskFormat: 'qcow2', minDiskGiB: 10, minRamMiB: 512, osType: 'linux', platform: 'CentOS', architecture: 'x86_64', bits: 64 };
const url = 'https://files.example.com/a.qcow2';

describe('the vendor spelling of platform and boot mode', () => {
  it.each([
    ['WINDOWS', 'windows'], ['Ubuntu', 'ubuntu'], ['centos', 'CentOS'], ['Kylin', 'kylin'], ['cclinux', 'CCLinux'], ['Other', 'other'], ['Debian', 'Debian'],
  ])('platform %j is sent as %j', (platform, sent) => {
    expect(createImageBody({ ...input, platform }, account).platform).toBe(sent);
    expect(updateImageBody({ platform: 'x' }, { platform }).platform).toBe(sent);
  });

  it.each([['bios', 'BIOS'], ['Uefi', 'UEFI'], ['legacy', 'legacy']])('boot mode %j is sent as %j', (bootMode, sent) => {
    expect(createImageBody({ ...input, bootMode }, account).bootMode).toBe(sent);
    expect(updateImageBody({ bootMode: 'UEFI' }, { bootMode }).bootMode).toBe(sent);
  });
});

describe('createInputErrors', () => {
  it('names each missing or null metadata field with the same message', () => {
    expect(createInputErrors({ ...input, bits: null, platform: undefined } as unknown as CreateImageInput)).toEqual([
      { field: 'platform', message: 'is required to create a cecstack image' },
      { field: 'bits', message: 'is required to create a cecstack image' },
    ]);
    expect(createInputErrors(input)).toEqual([]);
  });

  it('takes public, private and market for a metadata create, and refuses the rest saying which', () => {
    for (const visibility of ['public', 'private', 'market'] as const) expect(createInputErrors({ ...input, visibility })).toEqual([]);
    expect(createInputErrors({ ...input, visibility: 'unknown' })).toEqual([{ field: 'visibility', message: 'must be one of public, private, market' }]);
  });

  it('takes an import as private only, with data disks', () => {
    expect(createInputErrors({ ...input, fromUrl: url })).toEqual([]);
    expect(createInputErrors({ ...input, fromUrl: url, visibility: 'private', dataDisks: [{ url, minDiskGiB: 1 }] })).toEqual([]);
    expect(createInputErrors({ ...input, fromUrl: url, visibility: 'market' })).toEqual([{ field: 'visibility', message: 'an image imported from a URL is always private' }]);
    expect(createInputErrors({ ...input, dataDisks: [] })).toEqual([{ field: 'dataDisks', message: 'only an import (fromUrl) takes data disks' }]);
  });
});

describe('createImageBody', () => {
  it('sends the vendor enums and defaults: lower-case format, arm, os_image, private, no osVersion unless given', () => {
    const body = createImageBody({ ...input, diskFormat: 'RAW', architecture: 'arm64', bits: 32 }, account);
    expect(body).toMatchObject({ diskFormat: 'raw', cpuArch: 'arm', instruction: '32-bits', imageType: 'os_image', visibility: 'private' });
    expect(body).not.toHaveProperty('osVersion');
    expect(createImageBody({ ...input, osVersion: '8.2', imageType: 'data_image', visibility: 'market' }, account)).toMatchObject({ osVersion: '8.2', imageType: 'data_image', visibility: 'market' });
  });
});

describe('importImageBody', () => {
  it('sends an empty osVersion, no imageType and no data disks when none are given', () => {
    const body = importImageBody({ ...input, fromUrl: url }, account);
    expect(body).toMatchObject({ osVersion: '', visibility: 'private', imageSource: 1, imageUrl: url, region: 'region0', resourceGroupId: '', usage: 'ecs' });
    expect(body).not.toHaveProperty('imageType');
    expect(body).not.toHaveProperty('volumeImages');
    expect(body).not.toHaveProperty('description');
  });

  it('sends the imageType and the description given', () => {
    expect(importImageBody({ ...input, fromUrl: url, imageType: 'data_image', description: 'd' }, account)).toMatchObject({ imageType: 'data_image', description: 'd' });
  });
});

describe('copyImageBody', () => {
  it('sends an empty resource group when none is configured, and no description unless given', () => {
    expect(copyImageBody({ name: 'c' }, account)).toEqual({ tenantId: 't-1', departmentId: 'd-1', resourceGroupId: '', name: 'c' });
    expect(copyImageBody({ name: 'c', description: 'd' }, { ...account, resourceGroupId: 'rg' })).toEqual({ tenantId: 't-1', departmentId: 'd-1', resourceGroupId: 'rg', name: 'c', description: 'd' });
  });
});

describe('updatePatchErrors', () => {
  it('says which format the image has, or that it is unknown', () => {
    expect(updatePatchErrors({ diskFormat: 'qcow2' }, { diskFormat: 'raw' })).toEqual([{ field: 'diskFormat', message: 'cannot change (the image is qcow2)' }]);
    expect(updatePatchErrors({}, { diskFormat: 'raw' })).toEqual([{ field: 'diskFormat', message: 'cannot change (the image is of an unknown format)' }]);
    expect(updatePatchErrors({ diskFormat: 'qcow2', minDisk: '8' }, { minDiskGiB: 7 })).toEqual([{ field: 'minDiskGiB', message: 'cannot shrink below the current 8 GiB' }]);
    expect(updatePatchErrors({ diskFormat: 'qcow2', minDisk: 8 }, { minDiskGiB: 9, name: 'x' })).toEqual([]);
    // The same format in another case, and the same minimum, change nothing the vendor refuses.
    expect(updatePatchErrors({ diskFormat: 'qcow2', minDisk: 8 }, { diskFormat: 'QCOW2', minDiskGiB: 8 })).toEqual([]);
    expect(updatePatchErrors({ diskFormat: 'QCOW2' }, { diskFormat: 'qcow2' })).toEqual([]);
  });
});

describe('updateImageBody', () => {
  const current = {
    bootMode: 'UEFI', cpuArch: 'arm', diskFormat: 'raw', instructions: '32-bits', instruction: '64-bits', minDisk: 8, minRam: 1024, name: 'old',
    osType: 'linux', osVersion: '7', platform: 'CentOS', description: 'kept by the vendor',
  };

  it('keeps the current record where the patch says nothing, preferring the answer spelling "instructions"', () => {
    expect(updateImageBody(current, {})).toEqual({
      bootMode: 'UEFI', cpuArch: 'arm', diskFormat: 'raw', instruction: '32-bits', minDisk: 8, minRam: 1024, name: 'old', osType: 'linux', osVersion: '7', platform: 'CentOS',
    });
  });

  it('applies every patched field in the vendor units and spellings', () => {
    expect(updateImageBody(current, {
      bootMode: 'bios', architecture: 'x86_64', bits: 64, minDiskGiB: 20, minRamMiB: 2048, name: 'new', osType: 'windows', osVersion: '2019', platform: 'windows', description: 'd',
    })).toEqual({
      bootMode: 'BIOS', cpuArch: 'x86', diskFormat: 'raw', instruction: '64-bits', minDisk: 20, minRam: 2048, name: 'new', osType: 'windows', osVersion: '2019', platform: 'windows', description: 'd',
    });
  });
});

describe('shareInputErrors', () => {
  const users = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);

  it('takes 1 to 50 distinct, non-empty user ids', () => {
    expect(shareInputErrors(users(1))).toEqual([]);
    expect(shareInputErrors(users(50))).toEqual([]);
    expect(shareInputErrors(users(0))).toEqual([{ field: 'userIds', message: 'must hold 1 to 50 user ids' }]);
    expect(shareInputErrors(users(51))).toEqual([{ field: 'userIds', message: 'must hold 1 to 50 user ids' }]);
    expect(shareInputErrors(['u1', 'u1'])).toEqual([{ field: 'userIds', message: 'must not repeat a user id' }]);
    expect(shareInputErrors(['u1', ' '])).toEqual([{ field: 'userIds', message: 'must not hold an empty user id' }]);
  });
});

describe('share and export bodies', () => {
  it('sends the user ids under shares.user_ids, and the bucket by name, azId and cellId only', () => {
    expect(sharesBody(['u1', 'u2'])).toEqual({ shares: { user_ids: ['u1', 'u2'] } });
    expect(exportBody({ name: 'b', azId: 'AZ0', cellId: 'c', region: 'r' })).toEqual({ bucket: { name: 'b', azId: 'AZ0', cellId: 'c' } });
  });
});

describe('answers of the file and export calls', () => {
  it('camel-cases every snake_case name, digits and capitals included', () => {
    expect(mapUploadTarget({ access__key: 'a', part_2: 'p', secret_Key: 's', bucket: 'b' })).toEqual({ accessKey: 'a', part2: 'p', secretKey: 's', bucket: 'b', uploadId: null });
  });

  it.each([
    [{ azId: 'AZ0', cellId: 'c' }], [{ name: 'b', cellId: 'c' }], [{ name: 'b', azId: 'AZ0' }], [{ name: 'b', azId: '', cellId: 'c' }],
  ])('a bucket without each of name, azId and cellId is skipped: %j', (bucket) => {
    expect(mapExportTarget(bucket)).toBeNull();
  });
});
