import { mapUcloudImage, ucloudOs } from './mapper';

// Values the doc's types allow but its example never shows: they must stay inside the Image model.
describe('mapUcloudImage on odd items', () => {
  it.each([null, undefined, 'uodn-image-1', 7, true])('returns null for a list entry that is not an object (%j)', (item) => {
    expect(mapUcloudImage(item)).toBeNull();
  });

  it('has no size for a negative ImageSize, and 0 bytes for ImageSize 0', () => {
    expect(mapUcloudImage({ ImageId: 'i', ImageSize: -1 })?.sizeBytes).toBeNull();
    expect(mapUcloudImage({ ImageId: 'i', ImageSize: '-0.5' })?.sizeBytes).toBeNull();
    expect(mapUcloudImage({ ImageId: 'i', ImageSize: 0 })?.sizeBytes).toBe(0);
    expect(mapUcloudImage({ ImageId: 'i' })?.sizeBytes).toBeNull();
  });

  it('keeps a State it cannot read as the provider status, with status unknown', () => {
    expect(mapUcloudImage({ ImageId: 'i', State: 'Deploying' })).toMatchObject({ status: 'unknown', providerStatus: 'Deploying' });
  });

  it('keeps every mapped field out of extra, whatever its value', () => {
    const item = { ImageId: 'i', ImageName: 'n', ImageDesc: 'd', State: 1, ImageType: 1, OcType: 'unix', ImageSize: 1, CreateTime: 1603799470, Zone: 'z' };
    expect(mapUcloudImage(item)?.extra).toEqual({ Zone: 'z' });
  });

  it('lists each IdcId once, in first-seen order', () => {
    const DeployInfoList = [{ IdcId: 'idc-b' }, { IdcId: 'idc-a' }, { IdcId: 'idc-b' }, null];
    expect(mapUcloudImage({ ImageId: 'i', DeployInfoList })?.regions).toEqual(['idc-b', 'idc-a']);
  });
});

describe('ucloudOs on names with spaces and punctuation', () => {
  it.each([
    ['Red Hat', 'linux', 'Red Hat'],
    ['Red Hat Enterprise Linux 8', 'linux', 'Red Hat Enterprise Linux 8'],
    ['open-SUSE 15', 'linux', 'open-SUSE 15'],
    ['Alma_Linux', 'linux', 'Alma_Linux'],
    ['UNIX', 'linux', null],
    [' linux ', 'linux', null],
    ['Win-dows 2012', 'windows', null],
    ['Server Windows', 'other', 'Server Windows'],
    ['Linux-like', 'other', 'Linux-like'],
  ])('OcType %j → osType %j, platform %j', (ocType, osType, platform) => {
    expect(ucloudOs(ocType)).toEqual({ osType, platform });
  });

  it('only matches a distribution at the start of the name', () => {
    expect(ucloudOs('MyUbuntu')).toEqual({ osType: 'other', platform: 'MyUbuntu' });
  });
});
