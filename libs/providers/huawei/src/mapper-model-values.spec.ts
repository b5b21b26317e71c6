import { ARCHITECTURES, OS_TYPES, VISIBILITIES } from '@images/core';
import { mapHuaweiImage } from './mapper';

// The doc lists os_type Linux, Windows, Other and image_type gold, private; anything else must still land
// inside the Image model's values.
describe('mapHuaweiImage keeps values inside the model', () => {
  it.each([
    ['FreeBSD', 'other'],
    ['LINUX', 'linux'],
    ['windows', 'windows'],
    ['Linux ', 'other'],
    ['Windows Server', 'other'],
  ])('os_type %j -> %j', (osType, expected) => {
    const image = mapHuaweiImage({ id: 'i', os_type: osType }, 'r');
    expect(image?.osType).toBe(expected);
    expect(OS_TYPES).toContain(image?.osType);
  });

  it.each([
    ['gold', 'public'],
    ['private', 'private'],
    ['Gold', 'unknown'],
    ['shared', 'unknown'],
  ])('image_type %j -> visibility %j', (imageType, expected) => {
    const image = mapHuaweiImage({ id: 'i', image_type: imageType }, 'r');
    expect(image?.visibility).toBe(expected);
    expect(VISIBILITIES).toContain(image?.visibility);
  });

  it('gives an unknown architecture no value rather than the vendor word', () => {
    const image = mapHuaweiImage({ id: 'i', architecture: 'riscv' }, 'r');
    expect(image?.architecture).toBeNull();
    expect(ARCHITECTURES).not.toContain('riscv');
  });

  it('puts every documented field the model maps nowhere but in its place, and the rest in extra', () => {
    const image = mapHuaweiImage(
      {
        id: 'img-1', name: 'n', image_type: 'private', os_type: 'Linux', os_version: 'Ubuntu 22.04 64bit', architecture: 'x86',
        disk_format: 'qcow2', min_disk: 40, min_ram: 1024, created_at: '2020-10-27T11:51:10Z', product_code: 'pc', kms_id: 'k', package_type: 'general',
      },
      'cn-north-4',
    );
    expect(image?.extra).toEqual({ product_code: 'pc', kms_id: 'k', package_type: 'general' });
  });

  it('maps an id sent as a number', () => {
    expect(mapHuaweiImage({ id: 42 }, 'r')).toMatchObject({ id: 'huawei:42', providerImageId: '42' });
  });
});
