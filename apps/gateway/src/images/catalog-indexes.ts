import { CatalogSlice } from '@images/catalog';
import { Image } from '@images/core';
import { CatalogIndex } from '@images/query';

/** Merged catalogs kept indexed: one per provider selection and catalog versions in use (a changed catalog makes a new one). */
const MAX_INDEXES = 8;

/** The index of the merged catalog of some slices, built once per set of catalog versions. */
export class CatalogIndexes {
  private readonly indexes = new Map<string, CatalogIndex>();

  constructor(private readonly maxIndexes = MAX_INDEXES) {}

  of(slices: readonly CatalogSlice[]): CatalogIndex {
    const key = JSON.stringify(slices.map((slice) => [slice.provider, slice.version ?? null]));
    let index = this.indexes.get(key);
    if (index) {
      // Map keeps insertion order: re-inserting marks it the most recently used.
      this.indexes.delete(key);
    } else {
      // concat, not flatMap: flatMap was the single hottest line of a warm request.
      const merged = slices.length === 1 ? slices[0].images : ([] as Image[]).concat(...slices.map((slice) => slice.images));
      index = new CatalogIndex(merged);
      if (this.indexes.size >= this.maxIndexes) this.indexes.delete(this.indexes.keys().next().value as string);
    }
    this.indexes.set(key, index);
    return index;
  }

  get size(): number {
    return this.indexes.size;
  }
}
