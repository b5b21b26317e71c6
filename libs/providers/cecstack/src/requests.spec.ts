import { findShareOf, mapCecstackShare, mapExportTarget, mapUploadTarget, updateImageBody, updatePatchErrors } from './requests';

describe('CECSTACK request and answer translations', () => {
  it('an upload target keeps the vendor upload id when one is sent, under camelCase names', () => {
    expect(mapUploadTarget({ upload_id: 'u-1', image_url: 'https://x', bucket: 'b', file: 'f' })).toEqual({ uploadId: 'u-1', imageUrl: 'https://x', bucket: 'b', file: 'f' });
    expect(mapUploadTarget({ uploadId: '', bucket: 'b', file: 'f' }).uploadId).toBeNull();
  });

  it('a bucket needs name, azId and cellId; other fields ride along', () => {
    expect(mapExportTarget({ name: 'b', azId: 'AZ0', cellId: 'c', region: 'r' })).toEqual({ name: 'b', azId: 'AZ0', cellId: 'c', region: 'r' });
    expect(mapExportTarget({ name: 'b', azId: 'AZ0' })).toBeNull();
  });

  it('a share needs a userId', () => {
    expect(mapCecstackShare({ shareId: 's' })).toBeNull();
    expect(mapCecstackShare({ userId: '7085524801413873664' })).toEqual({ userId: '7085524801413873664', shareId: null, status: null, createdAt: null });
  });

  it('finds a share by the nested image id first, else the share record id', () => {
    const nested = { shareId: 's1', imageId: 'stale', image: { imageId: 'img-1' } };
    const flat = { shareId: 's2', imageId: 'img-2', image: null };
    expect(findShareOf([nested, flat], 'img-1')).toBe(nested);
    expect(findShareOf([nested, flat], 'img-2')).toBe(flat);
    expect(findShareOf([nested, flat], 'stale')).toBeUndefined();
  });

  it('cannot tell a shrink when the vendor record has no minDisk, and lets the vendor decide', () => {
    expect(updatePatchErrors({ diskFormat: 'qcow2' }, { minDiskGiB: 1 })).toEqual([]);
  });

  it('a record that names no boot mode, word size or version is sent with the vendor defaults', () => {
    expect(updateImageBody({ name: 'n', diskFormat: 'raw', instruction: '64-bits' }, {})).toMatchObject({ bootMode: 'BIOS', osVersion: '', instruction: '64-bits', diskFormat: 'raw' });
  });
});
