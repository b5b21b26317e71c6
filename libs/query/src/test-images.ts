import { Image, imageId } from '@images/core';

/** An Image with every field present; tests override what they care about. */
export function makeImage(overrides: Partial<Image> & { provider?: string; providerImageId?: string } = {}): Image {
  const provider = overrides.provider ?? 'cloud-b';
  const providerImageId = overrides.providerImageId ?? 'img-1';
  return {
    id: imageId(provider, providerImageId),
    provider,
    providerImageId,
    name: 'Ubuntu 22.04',
    description: null,
    status: 'available',
    providerStatus: null,
    visibility: 'public',
    osType: 'linux',
    platform: null,
    osVersion: null,
    architecture: 'x86_64',
    bits: 64,
    diskFormat: null,
    sizeBytes: 1024,
    minDiskGiB: null,
    minRamMiB: null,
    regions: ['cn-north-1'],
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: null,
    extra: {},
    ...overrides,
  };
}

/** Deterministic PRNG (mulberry32) so a failing random case can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)];
}
