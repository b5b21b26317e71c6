import { DEFAULT_PRIVATE_IMAGES, buildCecstackCatalog } from './catalogs/cecstack';

describe('the CECSTACK catalog at scale (SIM_CATALOG_SCALE)', () => {
  it('keeps the default account as it was', () => {
    const catalog = buildCecstackCatalog();
    expect(catalog.privateImages).toHaveLength(DEFAULT_PRIVATE_IMAGES);
    expect([catalog.publicImages.length, catalog.sharedImages.length]).toEqual([120, 25]);
  });

  it('makes as many own images as asked, with distinct ids, the same for the same size', () => {
    const first = buildCecstackCatalog(8000);
    expect(first.privateImages).toHaveLength(8000);
    expect(new Set(first.privateImages.map((image) => image.imageId)).size).toBe(8000);
    expect(buildCecstackCatalog(8000).privateImages.map((image) => image.imageId)).toEqual(first.privateImages.map((image) => image.imageId));
  });
});
