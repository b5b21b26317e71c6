import {
  GIB, Image, ImageStatus, OsType, Visibility, asBoolean, asNumber, asString, asStringArray, bitsFrom, compactRecord,
  epochMsToIso, imageId, isRecord,
} from '@images/core';
import { DIDI_PROVIDER_ID } from './config';

/** States of an image still being built, copied or imported (DiDi's CIMG states are ZStack's). */
const PENDING_STATUSES = new Set([
  'creating', 'processing', 'downloading', 'uploading', 'importing', 'copying', 'converting', 'saving', 'pending',
  'queued', 'waiting', 'building',
]);
const FAILED_STATUS = /error|fail/i;
/** Public image types seen in DiDi's image APIs: `standard` (base images), `oneClick` (one-click deploy). */
const PUBLIC_TYPES = new Set(['standard', 'oneclick', 'public']);
const MIB = 2 ** 20;

/** Item fields the Image carries; everything else goes to `extra`. `type` stays there too: visibility folds it. */
const MAPPED_FIELDS = new Set([
  'cimgUuid', 'name', 'description', 'status', 'isShared', 'platform', 'osFamily', 'osVersion', 'osArch', 'size',
  'regions', 'createTime', 'updateTime', 'requirement',
]);
const MAPPED_REQUIREMENT_FIELDS = new Set(['minDiskSize', 'minMemorySize']);

/**
 * One `cimg/list` item → Image (API.md section 5). `listedInRegion` is the region whose list returned it:
 * the image is present there even when the item's own `regions` omits it. Null for an item without `cimgUuid`.
 */
export function mapDidiImage(item: unknown, listedInRegion?: string, provider: string = DIDI_PROVIDER_ID): Image | null {
  if (!isRecord(item)) return null;
  const providerImageId = asString(item.cimgUuid);
  if (providerImageId === null) return null;
  const providerStatus = asString(item.status);
  const requirement = isRecord(item.requirement) ? item.requirement : {};
  const regions = asStringArray(item.regions);
  return {
    id: imageId(provider, providerImageId),
    provider,
    providerImageId,
    name: asString(item.name),
    description: asString(item.description),
    status: didiStatus(providerStatus),
    providerStatus,
    visibility: didiVisibility(asBoolean(item.isShared), asString(item.type)),
    osType: didiOsType(asString(item.platform)),
    platform: asString(item.osFamily),
    osVersion: asString(item.osVersion),
    architecture: null,
    bits: bitsFrom(asString(item.osArch)),
    diskFormat: null,
    sizeBytes: nonNegativeInteger(asNumber(item.size)),
    minDiskGiB: roundedUp(asNumber(requirement.minDiskSize), GIB),
    // Not in the cimg/list table, but DiDi's image requirement carries it (bytes) when it knows it.
    minRamMiB: roundedUp(asNumber(requirement.minMemorySize), MIB),
    regions: distinct(listedInRegion ? [...regions, listedInRegion] : regions),
    createdAt: epochMsToIso(item.createTime),
    updatedAt: epochMsToIso(item.updateTime),
    extra: didiExtra(item, requirement),
  };
}

/** One Image per `cimgUuid`: the first copy wins, the regions of all copies are unioned. */
export function mergeRegionalImages(images: readonly Image[]): Image[] {
  const byId = new Map<string, Image>();
  for (const image of images) {
    const seen = byId.get(image.id);
    if (seen === undefined) byId.set(image.id, image);
    else byId.set(image.id, { ...seen, regions: distinct([...seen.regions, ...image.regions]) });
  }
  return [...byId.values()];
}

export function didiStatus(status: string | null): ImageStatus {
  if (status === null) return 'unknown';
  const lower = status.toLowerCase();
  if (lower === 'ready') return 'available';
  if (PENDING_STATUSES.has(lower)) return 'pending';
  if (FAILED_STATUS.test(lower)) return 'failed';
  return 'unknown';
}

export function didiVisibility(isShared: boolean | null, type: string | null): Visibility {
  if (isShared === true) return 'shared';
  const lower = type?.toLowerCase();
  if (lower === 'custom') return 'private';
  if (lower !== undefined && PUBLIC_TYPES.has(lower)) return 'public';
  return 'unknown';
}

function didiOsType(platform: string | null): OsType | null {
  if (platform === null) return null;
  const lower = platform.toLowerCase();
  if (lower === 'linux') return 'linux';
  if (lower === 'windows') return 'windows';
  return 'other';
}

function nonNegativeInteger(value: number | null): number | null {
  return value === null || value < 0 ? null : Math.round(value);
}

/** A minimum expressed in bytes, in whole units: rounded up, as a smaller disk would not do. */
function roundedUp(bytes: number | null, unit: number): number | null {
  return bytes === null || bytes <= 0 ? null : Math.ceil(bytes / unit);
}

function didiExtra(item: Record<string, unknown>, requirement: Record<string, unknown>): Record<string, unknown> {
  const extra = compactRecord(Object.fromEntries(Object.entries(item).filter(([key]) => !MAPPED_FIELDS.has(key))));
  const otherRequirements = compactRecord(
    Object.fromEntries(Object.entries(requirement).filter(([key]) => !MAPPED_REQUIREMENT_FIELDS.has(key))),
  );
  if (Object.keys(otherRequirements).length > 0) extra.requirement = otherRequirements;
  return extra;
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}
