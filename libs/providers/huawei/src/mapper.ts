import { Architecture, Image, OsType, Visibility, asInteger, asString, compactRecord, imageId, isoToUtc } from '@images/core';
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

function architectureOf(architecture: string | null): Architecture | null {
  switch (architecture?.toLowerCase()) {
    case 'x86':
    case 'x86_64':
      return 'x86_64';
    case 'arm':
    case 'arm64':
    case 'aarch64':
      return 'arm64';
    default:
      return null;
  }
}

/** `EulerOS 2.5 64bit` -> 64. */
function bitsOf(osVersion: string | null): 32 | 64 | null {
  const match = osVersion?.match(/\b(32|64)\s*-?bits?\b/i);
  return match ? (Number(match[1]) as 32 | 64) : null;
}

/**
 * One `images[]` item of ListImages -> Image (API.md section 5). The API lists usable images only, hence `available`.
 * Null when the item has no id (it could not be addressed).
 */
export function mapHuaweiImage(item: Record<string, unknown>, region: string): Image | null {
  const providerImageId = asString(item.id);
  if (providerImageId === null) return null;
  const osVersion = asString(item.os_version);
  const extra = compactRecord(Object.fromEntries(Object.entries(item).filter(([key]) => !MAPPED_FIELDS.has(key))));
  return {
    id: imageId(HUAWEI_PROVIDER_ID, providerImageId),
    provider: HUAWEI_PROVIDER_ID,
    providerImageId,
    name: asString(item.name),
    description: null,
    status: 'available',
    providerStatus: null,
    visibility: visibilityOf(asString(item.image_type)),
    osType: osTypeOf(asString(item.os_type)),
    platform: null,
    osVersion,
    architecture: architectureOf(asString(item.architecture)),
    bits: bitsOf(osVersion),
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
