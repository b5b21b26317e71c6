import { mapCecstackImage, mapCecstackSharedImage } from './mapper';

// Odd values CECSTACK may send: each must land on a value of the model, and mapped fields never reappear in `extra`.

const context = { regionId: 'region0' };

describe('mapCecstackImage with odd values', () => {
  it('reads status, visibility and osType in any case', () => {
    expect(mapCecstackImage({ imageId: 'i', status: 'ACTIVE', visibility: 'Private', osType: 'LINUX' }, context)).toMatchObject({
      status: 'available', providerStatus: 'ACTIVE', visibility: 'private', osType: 'linux',
    });
    expect(mapCecstackImage({ imageId: 'i', osType: 'Windows' }, context)?.osType).toBe('windows');
    expect(mapCecstackImage({ imageId: 'i', osType: 'Kylin' }, context)?.osType).toBe('linux');
    expect(mapCecstackImage({ imageId: 'i', osType: 'freebsd' }, context)?.osType).toBe('other');
  });

  it('keeps an unknown visibility out of the model values, whatever list it came from', () => {
    expect(mapCecstackImage({ imageId: 'i', visibility: 'community' }, { ...context, list: 'public' })?.visibility).toBe('unknown');
    expect(mapCecstackImage({ imageId: 'i', visibility: 'public' }, { ...context, list: 'shared' })?.visibility).toBe('shared');
  });

  it('reads the request spelling "instruction" when the answer one is missing', () => {
    expect(mapCecstackImage({ imageId: 'i', instruction: '64-bits' }, context)?.bits).toBe(64);
    expect(mapCecstackImage({ imageId: 'i', instructions: '32-bits', instruction: '64-bits' }, context)?.bits).toBe(32);
  });

  it('puts none of the mapped vendor fields in extra, whichever spelling came', () => {
    const image = mapCecstackImage({
      imageId: 'i', name: 'n', description: 'd', describe: 'd2', status: 'active', visibility: 'private', osType: 'linux', platform: 'CentOS', osVersion: '7',
      cpuArch: 'x86', instructions: '64-bits', instruction: '64-bits', diskFormat: 'qcow2', size: 1, minDisk: 1, minRam: 1, region: 'r',
      createdAt: '2023-05-23T21:46:14+08:00', updatedAt: '2023-05-23T21:46:14+08:00', checksum: 'c',
    }, context);
    expect(image?.extra).toEqual({ checksum: 'c' });
  });

  it('reads sizes that are not integers, and times that are not ISO, as unknown', () => {
    expect(mapCecstackImage({ imageId: 'i', size: 'big', minDisk: 1.5, minRam: null, createdAt: 'yesterday', updatedAt: 1690000000 }, context)).toMatchObject({
      sizeBytes: null, minDiskGiB: null, minRamMiB: null, createdAt: null, updatedAt: null,
    });
  });

  it('takes the image region over the configured one, and an empty one as none', () => {
    expect(mapCecstackImage({ imageId: 'i', region: 'ecs49' }, context)?.regions).toEqual(['ecs49']);
    expect(mapCecstackImage({ imageId: 'i', region: '' }, context)?.regions).toEqual(['region0']);
  });
});

describe('mapCecstackSharedImage with odd shares', () => {
  it('keeps the share timestamps and row id out of the image, and the share fields over the image ones', () => {
    const image = mapCecstackSharedImage({
      shareId: 's1', imageId: 'img-1', userId: 'me', userName: 'lp', id: 3, createdAt: '2023-07-14T08:06:23.135Z', updatedAt: '2023-07-14T08:06:23.135Z',
      image: { name: 'n', userId: 'owner', userName: 'owner-name' },
    }, context);
    expect(image).toMatchObject({ providerImageId: 'img-1', createdAt: null, updatedAt: null });
    expect(image?.extra).toEqual({ shareId: 's1', userId: 'me', userName: 'lp' });
  });

  it('ignores a nested image that is not an object', () => {
    expect(mapCecstackSharedImage({ shareId: 's1', imageId: 'img-1', image: 'img-1' }, context)).toMatchObject({ providerImageId: 'img-1', name: null, extra: { shareId: 's1' } });
  });
});
