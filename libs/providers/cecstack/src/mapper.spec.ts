import { Image } from '@images/core';
import imageDetail from './fixtures/image-detail.json';
import privateImages from './fixtures/private-images.json';
import publicImages from './fixtures/public-images.json';
import sharedImages from './fixtures/shared-images.json';
import { mapCecstackImage, mapCecstackSharedImage } from './mapper';

const context = { regionId: 'region0' };

describe('mapCecstackImage', () => {
  it('maps the public-list example field by field (+08:00 times to UTC)', () => {
    expect(mapCecstackImage(publicImages.data.list[0], { ...context, list: 'public' })).toEqual<Image>({
      id: 'cecstack:img-kvvfk28fcjc0mt',
      provider: 'cecstack',
      providerImageId: 'img-kvvfk28fcjc0mt',
      name: 'test',
      description: null,
      status: 'available',
      providerStatus: 'active',
      visibility: 'public',
      osType: 'linux',
      platform: 'cclinux',
      osVersion: 'v2',
      architecture: 'x86_64',
      bits: 32,
      diskFormat: 'qcow2',
      sizeBytes: 27205947,
      minDiskGiB: 5,
      minRamMiB: 512,
      regions: ['ecs49'],
      createdAt: '2023-05-23T21:46:14.000Z',
      updatedAt: '2023-05-23T21:46:18.000Z',
      extra: { id: 12, imageType: 'os_image', checksum: '29a9d18dc5e0aa0f14707cffda13fa92', progress: '100', usage: 'ecs', bootMode: 'UEFI' },
    });
  });

  it('maps the private-list example: visibility as the vendor says, owner and tenant in extra', () => {
    const image = mapCecstackImage(privateImages.data.list[0], { ...context, list: 'private' });
    expect(image).toMatchObject({ visibility: 'public', regions: ['ecs49'], osVersion: 'v2', createdAt: '2023-05-23T21:46:14.000Z' });
    expect(image?.extra).toEqual({
      id: 12, imageType: 'os_image', checksum: '29a9d18dc5e0aa0f14707cffda13fa92', progress: '100', usage: 'ecs', bootMode: 'UEFI',
      owner: '7074927169066926081', tenantName: 'test',
    });
  });

  it('maps the detail example (no osVersion, empty imageTags kept)', () => {
    const image = mapCecstackImage(imageDetail.data, context);
    expect(image).toMatchObject({ providerImageId: 'img-kvvfk28fcjc0mt', osVersion: null, visibility: 'public', sizeBytes: 27205947, bits: 32 });
    expect(image?.extra.imageTags).toEqual([]);
  });

  it.each([
    ['active', 'available'],
    ['queued', 'pending'],
    ['saving', 'pending'],
    ['killed', 'failed'],
    ['deleted', 'deleted'],
    ['importing', 'unknown'],
  ])('status %s -> %s, the vendor value kept', (status, expected) => {
    expect(mapCecstackImage({ imageId: 'i', status }, context)).toMatchObject({ status: expected, providerStatus: status });
  });

  it('status is unknown when the vendor sends none', () => {
    expect(mapCecstackImage({ imageId: 'i' }, context)).toMatchObject({ status: 'unknown', providerStatus: null });
  });

  it.each([
    ['public', 'public'],
    ['private', 'private'],
    ['shared', 'shared'],
    ['market', 'market'],
    ['tenant', 'unknown'],
  ])('visibility %s -> %s', (visibility, expected) => {
    expect(mapCecstackImage({ imageId: 'i', visibility }, { ...context, list: 'private' })?.visibility).toBe(expected);
  });

  it('falls back to the list for a missing visibility', () => {
    expect(mapCecstackImage({ imageId: 'i' }, { ...context, list: 'private' })?.visibility).toBe('private');
    expect(mapCecstackImage({ imageId: 'i' }, { ...context, list: 'public' })?.visibility).toBe('public');
    expect(mapCecstackImage({ imageId: 'i' }, context)?.visibility).toBe('unknown');
  });

  it('reads description, else describe', () => {
    expect(mapCecstackImage({ imageId: 'i', description: 'd1', describe: 'd2' }, context)?.description).toBe('d1');
    expect(mapCecstackImage({ imageId: 'i', describe: 'd2' }, context)?.description).toBe('d2');
  });

  it('maps arm, 64-bits, Windows, an upper-case disk format and a Z timestamp', () => {
    expect(
      mapCecstackImage({ imageId: 'i', cpuArch: 'arm', instructions: '64-bits', osType: 'windows', diskFormat: 'RAW', createdAt: '2023-06-15T06:02:03.756Z' }, context),
    ).toMatchObject({ architecture: 'arm64', bits: 64, osType: 'windows', diskFormat: 'raw', createdAt: '2023-06-15T06:02:03.756Z' });
    expect(mapCecstackImage({ imageId: 'i', osType: 'other', cpuArch: 'mips', instructions: 'n/a' }, context)).toMatchObject({ osType: 'other', architecture: null, bits: null });
    expect(mapCecstackImage({ imageId: 'i', osType: 'kylin' }, context)?.osType).toBe('linux');
  });

  it('accepts numbers sent as strings', () => {
    expect(mapCecstackImage({ imageId: 'i', size: '27205947', minDisk: '5', minRam: '512' }, context)).toMatchObject({ sizeBytes: 27205947, minDiskGiB: 5, minRamMiB: 512 });
  });

  it('keeps every field present, null where the vendor says nothing, with the configured region', () => {
    expect(mapCecstackImage({ imageId: 'bare' }, context)).toEqual<Image>({
      id: 'cecstack:bare', provider: 'cecstack', providerImageId: 'bare', name: null, description: null, status: 'unknown', providerStatus: null,
      visibility: 'unknown', osType: null, platform: null, osVersion: null, architecture: null, bits: null, diskFormat: null, sizeBytes: null,
      minDiskGiB: null, minRamMiB: null, regions: ['region0'], createdAt: null, updatedAt: null, extra: {},
    });
  });

  it('returns null without an imageId', () => {
    expect(mapCecstackImage({ name: 'x' }, context)).toBeNull();
  });
});

describe('mapCecstackSharedImage', () => {
  it('maps the shared-with-me example: nested image, visibility shared, share fields in extra', () => {
    expect(mapCecstackSharedImage(sharedImages.data.list[0], context)).toEqual<Image>({
      id: 'cecstack:img-2fpe4gppddvq8c',
      provider: 'cecstack',
      providerImageId: 'img-2fpe4gppddvq8c',
      name: 'test',
      description: null,
      status: 'available',
      providerStatus: 'active',
      visibility: 'shared',
      osType: 'linux',
      platform: 'CCLinux',
      osVersion: null,
      architecture: 'x86_64',
      bits: 32,
      diskFormat: 'qcow2',
      sizeBytes: 27205947,
      minDiskGiB: 5,
      minRamMiB: 512,
      regions: ['region0'],
      // The image's own times, not the share's (08:06:23.135Z).
      createdAt: '2023-07-14T07:43:56.000Z',
      updatedAt: '2023-07-14T07:44:03.000Z',
      extra: {
        id: 17,
        imageType: 'os_image',
        checksum: '29a9d18dc5e0aa0f14707cffda13fa92',
        path: '/var/lib/libvirt/images/test.qcow2',
        owner: '7085523589641699328',
        progress: '100',
        usage: 'ecs',
        departmentId: '7085523589700419584',
        position: 'minio',
        sourceType: 'internal',
        shareId: 'img-share-60syal9krz8c0lnf6n5c',
        userId: '7085524801413873664',
        userName: 'lptest',
      },
    });
  });

  it('fills gaps from image fields placed beside the nested image, never from the share record itself', () => {
    const image = mapCecstackSharedImage(
      { createdAt: '2023-07-14T08:06:23.135Z', id: 2, shareId: 's1', imageId: 'img-1', image: { name: 'n' }, osVersion: '8.2', bootMode: 'BIOS' },
      context,
    );
    expect(image).toMatchObject({ providerImageId: 'img-1', name: 'n', osVersion: '8.2', createdAt: null, visibility: 'shared' });
    expect(image?.extra).toEqual({ bootMode: 'BIOS', shareId: 's1' });
  });

  it('maps a share whose image is missing from the share record, and needs an imageId', () => {
    expect(mapCecstackSharedImage({ shareId: 's1', imageId: 'img-1' }, context)).toMatchObject({ id: 'cecstack:img-1', status: 'unknown', visibility: 'shared' });
    expect(mapCecstackSharedImage({ shareId: 's1' }, context)).toBeNull();
  });
});
