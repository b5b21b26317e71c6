import { createHash } from 'node:crypto';
import { Image } from '@images/core';
import { catalogVersion, imageVersion, imagesById, imagesJson, serialisedImage, versionOf } from './derived';
import { catalogOf } from './engine-spec-support';

// What is derived from a catalog, checked against an independent computation of the same definition.

/** sha256 over each image's JSON followed by a newline, base64url, the first 22 characters. */
function expectedVersion(images: readonly Image[]): string {
  const text = images.map((image) => `${JSON.stringify(image)}\n`).join('');
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

function manyImages(n: number): Image[] {
  const [template] = catalogOf('p', 'big');
  return Array.from({ length: n }, (_, i) => ({ ...template, id: `p:${i}`, providerImageId: String(i), name: `img-${i}` }));
}

describe('catalogVersion', () => {
  it('is the sha256 of the images\' JSON lines, 22 base64url characters', async () => {
    const images = catalogOf('p', 'x');
    expect(await catalogVersion(images)).toBe(expectedVersion(images));
    expect(await catalogVersion(images)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('hashes every image of a catalog larger than one turn, in order, yielding between turns', async () => {
    const images = manyImages(4500);
    expect(await catalogVersion(images)).toBe(expectedVersion(images));
    const changedLast = images.map((image, i) => (i === images.length - 1 ? { ...image, name: 'renamed' } : image));
    expect(await catalogVersion(changedLast)).not.toBe(await catalogVersion(images));
  });

  it('of an empty catalog is the hash of nothing', async () => {
    expect(await catalogVersion([])).toBe(expectedVersion([]));
  });
});

describe('versionOf', () => {
  it('is the stored version, or one made of the fetch time for an entry stored without', () => {
    expect(versionOf({ fetchedAt: 5, images: [], version: 'abc' })).toBe('abc');
    expect(versionOf({ fetchedAt: 5, images: [] })).toBe('t5');
  });
});

describe('imageVersion', () => {
  it('is the sha256 of the image\'s JSON, 22 base64url characters, and changes with any field', () => {
    const [image] = catalogOf('p', 'x');
    expect(imageVersion(image)).toBe(createHash('sha256').update(JSON.stringify(image)).digest('base64url').slice(0, 22));
    expect(imageVersion({ ...image, name: 'other' })).not.toBe(imageVersion(image));
  });
});

describe('serialisedImage and imagesJson', () => {
  it("is the image's JSON, made once per image object", () => {
    const [image] = catalogOf('p', 'x');
    const first = serialisedImage(image);
    expect(first.json).toBe(JSON.stringify(image));
    expect(first.version).toBe(imageVersion(image));
    expect(serialisedImage(image)).toBe(first);
    expect(serialisedImage({ ...image })).not.toBe(first);
  });

  it('joins them into exactly what JSON.stringify makes of the list', () => {
    const images = catalogOf('p', 'x').slice(0, 3);
    expect(imagesJson(images)).toBe(JSON.stringify(images));
    expect(imagesJson([])).toBe('[]');
  });
});

describe('imagesById', () => {
  it('maps provider image ids to images, the first of two with one id winning, built once per catalog', () => {
    const [a, b] = catalogOf('p', 'x');
    const duplicate = { ...a, name: 'second copy' };
    const images = [a, b, duplicate];
    const byId = imagesById(images);
    expect(byId.get('0')).toBe(a);
    expect(byId.get('1')).toBe(b);
    expect(byId.size).toBe(2);
    expect(imagesById(images)).toBe(byId);
  });
});
