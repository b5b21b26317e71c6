// What is derived once from a catalog: its content version (for ETags) and its images by id (for lookups).
import { createHash } from 'node:crypto';
import { Image } from '@images/core';
import type { CachedCatalog } from './catalog-store';

/** Images hashed between two yields: an 80,000-image catalog never holds the event loop for long. */
const IMAGES_PER_TURN = 2000;

/**
 * A catalog's content version: equal for equal catalogs, so a refresh that changed nothing keeps every ETag built
 * on it, and any changed field of any image changes it.
 */
export async function catalogVersion(images: readonly Image[]): Promise<string> {
  const hash = createHash('sha256');
  for (let start = 0; start < images.length; start += IMAGES_PER_TURN) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    const end = Math.min(images.length, start + IMAGES_PER_TURN);
    for (let i = start; i < end; i++) hash.update(JSON.stringify(images[i])).update('\n');
  }
  return hash.digest('base64url').slice(0, 22);
}

/** The entry's version; one stored by an older build has none, and is told apart by its fetch time instead. */
export function versionOf(entry: CachedCatalog): string {
  return entry.version ?? `t${entry.fetchedAt}`;
}

/** An image's JSON text and content version (the ETag of `GET /images/{id}`). */
export interface SerialisedImage {
  readonly json: string;
  readonly version: string;
}

const serialised = new WeakMap<Image, SerialisedImage>();

/**
 * An image's JSON and version, made once per image object: a cached catalog's images are serialised once, however
 * many answers carry them (catalog images are never changed in place; a refresh brings new objects).
 */
export function serialisedImage(image: Image): SerialisedImage {
  let known = serialised.get(image);
  if (!known) {
    const json = JSON.stringify(image);
    known = { json, version: createHash('sha256').update(json).digest('base64url').slice(0, 22) };
    serialised.set(image, known);
  }
  return known;
}

/** One image's content version, for the ETag of `GET /images/{id}`. */
export function imageVersion(image: Image): string {
  return serialisedImage(image).version;
}

/** JSON.stringify(images), byte for byte, from each image's JSON made once. */
export function imagesJson(images: readonly Image[]): string {
  return `[${images.map((image) => serialisedImage(image).json).join(',')}]`;
}

const idMaps = new WeakMap<readonly Image[], ReadonlyMap<string, Image>>();

/** A catalog's images by provider image id, built once per catalog (the first id wins, as a search would find it). */
export function imagesById(images: readonly Image[]): ReadonlyMap<string, Image> {
  let byId = idMaps.get(images);
  if (!byId) {
    const map = new Map<string, Image>();
    for (const image of images) if (!map.has(image.providerImageId)) map.set(image.providerImageId, image);
    idMaps.set(images, (byId = map));
  }
  return byId;
}
