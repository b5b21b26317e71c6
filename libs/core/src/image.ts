/** The normalised image every provider maps into (API.md section 5). Every field is always present. */
export const IMAGE_STATUSES = ['available', 'pending', 'failed', 'unavailable', 'deleted', 'unknown'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export const VISIBILITIES = ['public', 'private', 'shared', 'market', 'unknown'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** What an image can be created as: shared and unknown are states, not choices. */
export const CREATE_VISIBILITIES = ['public', 'private', 'market'] as const satisfies readonly Visibility[];

export const OS_TYPES = ['linux', 'windows', 'other'] as const;
export type OsType = (typeof OS_TYPES)[number];

export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export interface Image {
  id: string;
  provider: string;
  providerImageId: string;
  name: string | null;
  description: string | null;
  status: ImageStatus;
  providerStatus: string | null;
  visibility: Visibility;
  osType: OsType | null;
  platform: string | null;
  osVersion: string | null;
  architecture: Architecture | null;
  bits: 32 | 64 | null;
  diskFormat: string | null;
  sizeBytes: number | null;
  minDiskGiB: number | null;
  minRamMiB: number | null;
  regions: string[];
  createdAt: string | null;
  updatedAt: string | null;
  extra: Record<string, unknown>;
}

/** `{provider}:{providerImageId}`; the provider id never contains a colon, the vendor id may. */
export function imageId(provider: string, providerImageId: string): string {
  return `${provider}:${providerImageId}`;
}

export function parseImageId(id: string): { provider: string; providerImageId: string } | null {
  const colon = id.indexOf(':');
  if (colon <= 0 || colon === id.length - 1) return null;
  return { provider: id.slice(0, colon), providerImageId: id.slice(colon + 1) };
}

/** One Image per id, the first kept: offset paging over a catalog that changes meanwhile can repeat an item. */
export function distinctById(images: readonly Image[]): Image[] {
  const byId = new Map<string, Image>();
  for (const image of images) if (!byId.has(image.id)) byId.set(image.id, image);
  return [...byId.values()];
}
