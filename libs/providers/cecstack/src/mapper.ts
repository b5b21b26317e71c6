import {
  Image, ImageStatus, OsType, Visibility, VISIBILITIES, architectureFrom, asInteger, asString, bitsFrom, compactRecord, imageId, isRecord, isoToUtc, ownEntry,
} from '@images/core';
import { CECSTACK_PROVIDER_ID } from './config';

/** Which list an item came from: it decides visibility when the item names none (shared: always). */
export type CecstackList = 'public' | 'private' | 'shared';

export interface CecstackMapContext {
  /** CECSTACK_REGION_ID: the region of an image that names none. */
  regionId: string;
  list?: CecstackList;
  /** The account id the images are listed under; default the vendor's id. */
  provider?: string;
}

/** Fields the Image model takes from an image record; the rest go to `extra` under their vendor names. */
const MAPPED_FIELDS = new Set([
  'imageId', 'name', 'description', 'describe', 'status', 'visibility', 'osType', 'platform', 'osVersion',
  'cpuArch', 'instructions', 'instruction', 'diskFormat', 'size', 'minDisk', 'minRam', 'region', 'createdAt', 'updatedAt',
]);

/** Share-record fields of a shared-with-me item, kept in `extra`; its timestamps and row id are the share's, not the image's. */
const SHARE_EXTRA_FIELDS = ['shareId', 'userId', 'userName'] as const;
const SHARE_OWN_FIELDS = new Set(['createdAt', 'updatedAt', 'id', 'image', ...SHARE_EXTRA_FIELDS]);

const STATUSES: Readonly<Record<string, ImageStatus>> = {
  active: 'available',
  queued: 'pending',
  saving: 'pending',
  killed: 'failed',
  deleted: 'deleted',
};

function visibilityOf(value: string | null, list: CecstackList | undefined): Visibility {
  if (list === 'shared') return 'shared';
  if (value === null) return list ?? 'unknown';
  const lower = value.toLowerCase();
  return (VISIBILITIES as readonly string[]).includes(lower) ? (lower as Visibility) : 'unknown';
}

function osTypeOf(value: string | null): OsType | null {
  if (value === null) return null;
  const lower = value.toLowerCase();
  // The create answer documents `kylin` as an osType: a Linux distribution.
  if (lower === 'linux' || lower === 'kylin') return 'linux';
  return lower === 'windows' ? 'windows' : 'other';
}

/** One CECSTACK image record (any list, or the detail) -> Image (API.md section 5). Null without an imageId. */
export function mapCecstackImage(item: Record<string, unknown>, context: CecstackMapContext): Image | null {
  const providerImageId = asString(item.imageId);
  if (providerImageId === null) return null;
  const providerStatus = asString(item.status);
  const region = asString(item.region);
  const provider = context.provider ?? CECSTACK_PROVIDER_ID;
  return {
    id: imageId(provider, providerImageId),
    provider,
    providerImageId,
    name: asString(item.name),
    description: asString(item.description) ?? asString(item.describe),
    status: ownEntry(STATUSES, providerStatus?.toLowerCase()) ?? 'unknown',
    providerStatus,
    visibility: visibilityOf(asString(item.visibility), context.list),
    osType: osTypeOf(asString(item.osType)),
    platform: asString(item.platform),
    osVersion: asString(item.osVersion),
    architecture: architectureFrom(asString(item.cpuArch)),
    bits: bitsFrom(asString(item.instructions) ?? asString(item.instruction)),
    diskFormat: asString(item.diskFormat)?.toLowerCase() ?? null,
    sizeBytes: asInteger(item.size),
    minDiskGiB: asInteger(item.minDisk),
    minRamMiB: asInteger(item.minRam),
    regions: [region ?? context.regionId],
    createdAt: isoToUtc(item.createdAt),
    updatedAt: isoToUtc(item.updatedAt),
    extra: compactRecord(Object.fromEntries(Object.entries(item).filter(([key]) => !MAPPED_FIELDS.has(key)))),
  };
}

/**
 * One shared-with-me item `{shareId, imageId, userId, image: {…}, userName}` -> Image with visibility `shared`.
 * The nested image is the source; image fields found beside it (the vendor's field table puts some there) fill gaps.
 */
export function mapCecstackSharedImage(share: Record<string, unknown>, context: Omit<CecstackMapContext, 'list'>): Image | null {
  const nested = isRecord(share.image) ? share.image : {};
  const besideImage = Object.fromEntries(Object.entries(share).filter(([key]) => !SHARE_OWN_FIELDS.has(key)));
  const image = mapCecstackImage({ ...besideImage, ...nested, imageId: asString(nested.imageId) ?? share.imageId }, { ...context, list: 'shared' });
  if (image === null) return null;
  const shareFields = compactRecord(Object.fromEntries(SHARE_EXTRA_FIELDS.map((key) => [key, share[key]])));
  return { ...image, extra: { ...image.extra, ...shareFields } };
}
