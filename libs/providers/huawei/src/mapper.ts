import { Image, OsType, Visibility, architectureFrom, asInteger, asString, bitsFrom, compactRecord, imageId, isoToUtc } from '@images/core';
import { HUAWEI_PROVIDER_ID } from './config';

/** Fields the Image model takes from a ListImages item; the rest go to `extra` under their vendor names. */
const MAPPED_FIELDS = new Set(['id', 'name', 'image_type', 'os_type', 'os_version', 'architecture', 'disk_format', 'min_disk', 'min_ram', 'created_at']);

function visibilityOf(imageType: string | null): Visibility {
  if (imageType === 'gold') return 'public';
  if (imageType === 'private') return 'private';
  return 'unknown';
}

function osTypeOf(osType: string | null): OsType | null {
  if (osType === null) return null;
  const lower = osType.toLowerCase();
  return lower === 'linux' || lower === 'windows' ? lower : 'other';
}

/**
 * One `images[]` item of ListImages -> Image (API.md section 5). The API lists usable images only, hence `available`.
 * Null when the item has no id (it could not be addressed).
 */
export function mapHuaweiImage(item: Record<string, unknown>, region: string, provider: string = HUAWEI_PROVIDER_ID): Image | null {
  const providerImageId = asString(item.id);
  if (providerImageId === null) return null;
  const osVersion = asString(item.os_version);
  const extra = compactRecord(Object.fromEntries(Object.entries(item).filter(([key]) => !MAPPED_FIELDS.has(key))));
  return {
    id: imageId(provider, providerImageId),
    provider,
    providerImageId,
    name: asString(item.name),
    description: null,
    status: 'available',
    providerStatus: null,
    visibility: visibilityOf(asString(item.image_type)),
    osType: osTypeOf(asString(item.os_type)),
    platform: null,
    osVersion,
    architecture: architectureFrom(asString(item.architecture)),
    bits: bitsFrom(osVersion),
    diskFormat: asString(item.disk_format)?.toLowerCase() ?? null,
    sizeBytes: null,
    minDiskGiB: asInteger(item.min_disk),
    minRamMiB: asInteger(item.min_ram),
    regions: [region],
    createdAt: isoToUtc(item.created_at),
    updatedAt: null,
    extra,
  };
}
