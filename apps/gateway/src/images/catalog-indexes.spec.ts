import { CatalogSlice } from '@images/catalog';
import { CatalogIndexes } from './catalog-indexes';

const slice = (provider: string, version: string | undefined): CatalogSlice => ({ provider, status: version ? 'ok' : 'error', cache: 'hit', version, images: [], latencyMs: 0 });

describe('CatalogIndexes', () => {
  it('builds one index per provider selection and catalog versions, and a new one when a version changes', () => {
    const indexes = new CatalogIndexes();
    const first = indexes.of([slice('a', 'v1'), slice('b', 'v1')]);
    expect(indexes.of([slice('a', 'v1'), slice('b', 'v1')])).toBe(first);
    expect(indexes.of([slice('a', 'v2'), slice('b', 'v1')])).not.toBe(first);
    expect(indexes.of([slice('a', 'v1')])).not.toBe(first);
    expect(indexes.of([slice('a', 'v1'), slice('b', undefined)])).not.toBe(first);
    expect(indexes.size).toBe(4);
  });

  it('keeps the most recently used indexes within its bound', () => {
    const indexes = new CatalogIndexes(2);
    const one = indexes.of([slice('a', '1')]);
    const two = indexes.of([slice('a', '2')]);
    expect(indexes.of([slice('a', '1')])).toBe(one);
    indexes.of([slice('a', '3')]);
    expect(indexes.size).toBe(2);
    expect(indexes.of([slice('a', '1')])).toBe(one);
    expect(indexes.of([slice('a', '2')])).not.toBe(two);
  });
});
