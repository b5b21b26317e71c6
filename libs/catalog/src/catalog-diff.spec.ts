import { Image } from '@images/core';
import { diffCatalog, imagePrint } from './catalog-diff';

function image(id: string, changes: Partial<Image> = {}): Image {
  return {
    id: `p:${id}`, provider: 'p', providerImageId: id, name: `image ${id}`, description: null, status: 'available', providerStatus: 'active',
    visibility: 'private', osType: 'linux', platform: null, osVersion: null, architecture: 'x86_64', bits: 64, diskFormat: 'qcow2', sizeBytes: 1,
    minDiskGiB: 1, minRamMiB: null, regions: ['r1'], createdAt: null, updatedAt: null, extra: {}, ...changes,
  };
}

const printsOf = (images: Image[]) => new Map(images.map((one) => [one.providerImageId, imagePrint(one)]));

describe('diffCatalog', () => {
  it('finds nothing between equal catalogs (new objects, same content)', () => {
    const diff = diffCatalog(printsOf([image('a'), image('b')]), [image('a'), image('b')]);
    expect([diff.added, diff.changed, diff.removed]).toEqual([[], [], []]);
  });

  it('tells added, changed (naming the changed fields) and removed images apart', () => {
    const diff = diffCatalog(printsOf([image('a'), image('b'), image('c')]), [image('a'), image('b', { status: 'pending', name: 'renamed', extra: { k: 1 } }), image('d')]);
    expect(diff.added.map((one) => one.providerImageId)).toEqual(['d']);
    expect(diff.changed).toEqual([{ image: expect.objectContaining({ providerImageId: 'b' }), fields: ['extra', 'name', 'status'] }]);
    expect(diff.removed).toEqual([{ providerImageId: 'c', name: 'image c' }]);
  });

  it('names a nested change by its top-level field, and a field that appears or goes', () => {
    const before = image('a', { regions: ['r1'] });
    const after = { ...image('a', { regions: ['r1', 'r2'] }), newField: true } as Image;
    expect(diffCatalog(printsOf([before]), [after]).changed[0].fields).toEqual(['newField', 'regions']);
  });

  it('counts a repeated id once, the first one winning', () => {
    const diff = diffCatalog(new Map(), [image('a'), image('a', { name: 'second' })]);
    expect(diff.added).toHaveLength(1);
    expect(diff.added[0].name).toBe('image a');
    expect(diff.prints.size).toBe(1);
  });
});
