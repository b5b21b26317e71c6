// What changed between the catalog a deployment last published and the one just fetched (issue 13 item 1).
import { createHash } from 'node:crypto';
import { Image } from '@images/core';

/**
 * An image as the diff remembers it: its name (a removal still names what went) and a short hash of each field, so
 * a changed field is named without keeping the whole image (a published catalog is one small record per image).
 */
export interface ImagePrint {
  name: string | null;
  fields: Record<string, string>;
}

export interface CatalogDiff {
  added: Image[];
  changed: Array<{ image: Image; fields: string[] }>;
  removed: Array<{ providerImageId: string; name: string | null }>;
}

export function imagePrint(image: Image): ImagePrint {
  const fields: Record<string, string> = {};
  for (const [field, value] of Object.entries(image)) fields[field] = createHash('sha256').update(JSON.stringify(value) ?? 'undefined').digest('base64url').slice(0, 11);
  return { name: image.name, fields };
}

/** The fields whose values differ, either way round, sorted. */
export function changedFields(before: ImagePrint, after: ImagePrint): string[] {
  const names = new Set([...Object.keys(before.fields), ...Object.keys(after.fields)]);
  return [...names].filter((name) => before.fields[name] !== after.fields[name]).sort();
}

/**
 * Pure: `previous` is the last published catalog by provider image id, `next` the catalog fetched now. The first id
 * wins on duplicates, as lookups have it. Unchanged catalogs give three empty lists.
 */
export function diffCatalog(previous: ReadonlyMap<string, ImagePrint>, next: readonly Image[]): CatalogDiff & { prints: Map<string, ImagePrint> } {
  const diff: CatalogDiff = { added: [], changed: [], removed: [] };
  const prints = new Map<string, ImagePrint>();
  for (const image of next) {
    if (prints.has(image.providerImageId)) continue;
    const print = imagePrint(image);
    prints.set(image.providerImageId, print);
    const before = previous.get(image.providerImageId);
    if (!before) diff.added.push(image);
    else {
      const fields = changedFields(before, print);
      if (fields.length > 0) diff.changed.push({ image, fields });
    }
  }
  for (const [providerImageId, before] of previous) if (!prints.has(providerImageId)) diff.removed.push({ providerImageId, name: before.name });
  return { ...diff, prints };
}
