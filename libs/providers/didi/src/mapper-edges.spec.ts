import { didiStatus, mapDidiImage } from './mapper';

// Odd values DiDi may send: each must land on a value of the model, never leak or throw.

describe('didiStatus for every creating-like state', () => {
  it.each(['Creating', 'Processing', 'Downloading', 'Uploading', 'Importing', 'Copying', 'Converting', 'Saving', 'Pending', 'Queued', 'Waiting', 'Building'])(
    '%s → pending',
    (status) => {
      expect(didiStatus(status)).toBe('pending');
      expect(didiStatus(status.toUpperCase())).toBe('pending');
    },
  );

  it('reads "fail" or "error" anywhere in the state, in any case, as failed', () => {
    expect(didiStatus('ImportFAILED')).toBe('failed');
    expect(didiStatus('copyError')).toBe('failed');
    expect(didiStatus('Readyish')).toBe('unknown');
  });
});

describe('mapDidiImage with odd sizes', () => {
  it('keeps a size of 0 bytes, drops a negative one, and rounds a fractional one', () => {
    expect(mapDidiImage({ cimgUuid: 'c1', size: 0 })?.sizeBytes).toBe(0);
    expect(mapDidiImage({ cimgUuid: 'c1', size: -1 })?.sizeBytes).toBeNull();
    expect(mapDidiImage({ cimgUuid: 'c1', size: 1023.6 })?.sizeBytes).toBe(1024);
    expect(mapDidiImage({ cimgUuid: 'c1', size: 'big' })?.sizeBytes).toBeNull();
  });

  it('reads a minimum of 0 or less as no minimum', () => {
    const image = mapDidiImage({ cimgUuid: 'c1', requirement: { minDiskSize: 0, minMemorySize: -5 } });
    expect(image).toMatchObject({ minDiskGiB: null, minRamMiB: null });
    expect(image?.extra).toEqual({});
  });

  it('rounds minimum memory up to whole MiB and keeps it out of extra', () => {
    const image = mapDidiImage({ cimgUuid: 'c1', requirement: { minMemorySize: 2 ** 20 + 1 } });
    expect(image?.minRamMiB).toBe(2);
    expect(image?.extra).toEqual({});
    expect(mapDidiImage({ cimgUuid: 'c1', requirement: { minMemorySize: 1 } })?.minRamMiB).toBe(1);
    expect(mapDidiImage({ cimgUuid: 'c1', requirement: { minDiskSize: 2 ** 30 } })?.minDiskGiB).toBe(1);
  });

  it('ignores a requirement that is not an object', () => {
    const image = mapDidiImage({ cimgUuid: 'c1', requirement: 'big disk' });
    expect(image).toMatchObject({ minDiskGiB: null, minRamMiB: null });
    expect(image?.extra).toEqual({});
    expect(mapDidiImage({ cimgUuid: 'c1', requirement: null })?.extra).toEqual({});
  });

  it('keeps unmapped requirement fields, dropping the empty ones', () => {
    expect(mapDidiImage({ cimgUuid: 'c1', requirement: { minCpuNum: 2, gpu: null, note: '' } })?.extra).toEqual({ requirement: { minCpuNum: 2 } });
  });
});

describe('mapDidiImage with odd regions and times', () => {
  it('keeps the regions of the item once each, skipping empty entries', () => {
    expect(mapDidiImage({ cimgUuid: 'c1', regions: ['gz', 'gz', null, ''] }, 'bj')?.regions).toEqual(['gz', 'bj']);
    expect(mapDidiImage({ cimgUuid: 'c1', regions: 'gz' })?.regions).toEqual([]);
  });

  it('keeps a description it maps out of extra', () => {
    const image = mapDidiImage({ cimgUuid: 'c1', description: 'web server' });
    expect(image?.description).toBe('web server');
    expect(image?.extra).toEqual({});
  });

  it('reads times that are not epoch milliseconds as unknown', () => {
    expect(mapDidiImage({ cimgUuid: 'c1', createTime: 'yesterday', updateTime: null })).toMatchObject({ createdAt: null, updatedAt: null });
  });

  it('puts a shared image of an unknown type at shared, and an unknown type at unknown', () => {
    expect(mapDidiImage({ cimgUuid: 'c1', isShared: true, type: 'weird' })?.visibility).toBe('shared');
    expect(mapDidiImage({ cimgUuid: 'c1', isShared: false, type: 'weird' })?.visibility).toBe('unknown');
    expect(mapDidiImage({ cimgUuid: 'c1', type: 'ONECLICK' })?.visibility).toBe('public');
    expect(mapDidiImage({ cimgUuid: 'c1', type: 'Standard' })?.visibility).toBe('public');
  });
});
