import {
  Architecture, CREATE_VISIBILITIES, CreateImageInput, ExportTarget, FieldError, ImagePatch, ImageShare, UploadTarget, asInteger, asString, isRecord, isoToUtc,
} from '@images/core';
import { CECSTACK_CREATE_REQUIRED, CECSTACK_RULES } from './rules';

/**
 * Pure translations between the gateway's write inputs and CECSTACK IMS request bodies and answers
 * (cecstack-ims-api.md sections 1.5–1.21). Field names, units and enums are the vendor's.
 */

/** The account fields the create, import and copy calls require (CECSTACK_TENANT_ID, …). */
export interface CecstackAccount {
  tenantId: string;
  departmentId: string;
  /** Optional for create and import (the doc's examples send ""), required for copy. */
  resourceGroupId?: string;
  regionId: string;
}

/** `cpuArch` takes `x86` or `arm` (the gateway's x86_64 and arm64). */
const CPU_ARCH: Readonly<Record<Architecture, string>> = { x86_64: 'x86', arm64: 'arm' };

/** The vendor's spelling of its platform enum (section 1.5/1.6); other values are sent as given and left to the vendor. */
const PLATFORMS = ['windows', 'ubuntu', 'CentOS', 'kylin', 'CCLinux', 'other'];
const BOOT_MODES = ['BIOS', 'UEFI'];

function vendorSpelling(value: string, spellings: readonly string[]): string {
  return spellings.find((spelling) => spelling.toLowerCase() === value.toLowerCase()) ?? value;
}

/** 32 -> "32-bits", 64 -> "64-bits" (the request field is `instruction`; answers call it `instructions`). */
export function instructionOf(bits: 32 | 64): string {
  return `${bits}-bits`;
}

export function cpuArchOf(architecture: Architecture): string {
  return CPU_ARCH[architecture];
}


/** What CECSTACK cannot take in a create, per field; empty when the input can be sent. */
export function createInputErrors(input: CreateImageInput): FieldError[] {
  const errors: FieldError[] = CECSTACK_CREATE_REQUIRED.filter((field) => input[field] === undefined || input[field] === null)
    .map((field) => ({ field, message: `is required to create a cecstack image` }));
  if (input.fromUrl !== undefined) {
    if (input.visibility !== undefined && input.visibility !== 'private') errors.push({ field: 'visibility', message: 'an image imported from a URL is always private' });
  } else {
    // A metadata create takes public, private or market; an import is always private.
    if (input.visibility !== undefined && !(CREATE_VISIBILITIES as readonly string[]).includes(input.visibility)) errors.push({ field: 'visibility', message: `must be one of ${CREATE_VISIBILITIES.join(', ')}` });
    if (input.dataDisks !== undefined) errors.push({ field: 'dataDisks', message: 'only an import (fromUrl) takes data disks' });
  }
  return errors;
}

/** Fields shared by the metadata create (1.6) and the import (1.18). Call only after `createInputErrors` found none. */
function commonCreateFields(input: CreateImageInput, account: CecstackAccount): Record<string, unknown> {
  return {
    diskFormat: input.diskFormat!.toLowerCase(),
    minDisk: input.minDiskGiB,
    minRam: input.minRamMiB,
    name: input.name,
    instruction: instructionOf(input.bits!),
    cpuArch: cpuArchOf(input.architecture!),
    ...(input.description !== undefined ? { description: input.description } : {}),
    osType: input.osType,
    platform: vendorSpelling(input.platform!, PLATFORMS),
    usage: input.usage ?? 'ecs',
    departmentId: account.departmentId,
    resourceGroupId: account.resourceGroupId ?? '',
    tenantId: account.tenantId,
    ...(input.bootMode !== undefined ? { bootMode: vendorSpelling(input.bootMode, BOOT_MODES) } : {}),
  };
}

/** POST private-images (1.6): the metadata record an upload then fills. `imageType` and `usage` default as the doc's example. */
export function createImageBody(input: CreateImageInput, account: CecstackAccount): Record<string, unknown> {
  return {
    ...commonCreateFields(input, account),
    imageType: input.imageType ?? 'os_image',
    visibility: input.visibility ?? 'private',
    // Not in the request table, but part of the record (the answer carries it): sent when the caller gives one.
    ...(input.osVersion !== undefined ? { osVersion: input.osVersion } : {}),
  };
}

/**
 * POST private-images/import (1.18). The table requires `osVersion` ("" when unknown, as the create answer shows) and
 * fixes `visibility` to private; `region` and `imageSource: 1` are in the doc's example though not in its table.
 * Data disks go in `volumeImages` (the example's spelling; the table's `volumelImages` is a typo) with `minDisk` in GiB.
 */
export function importImageBody(input: CreateImageInput, account: CecstackAccount): Record<string, unknown> {
  return {
    ...commonCreateFields(input, account),
    ...(input.imageType !== undefined ? { imageType: input.imageType } : {}),
    imageSource: 1,
    imageUrl: input.fromUrl,
    region: account.regionId,
    visibility: 'private',
    osVersion: input.osVersion ?? '',
    ...(input.dataDisks !== undefined ? { volumeImages: input.dataDisks.map((disk) => ({ imageUrl: disk.url, minDisk: disk.minDiskGiB })) } : {}),
  };
}

/** POST shared-images/{shareId}/copy (1.21): into this account. */
export function copyImageBody(input: { name: string; description?: string }, account: CecstackAccount): Record<string, unknown> {
  return {
    tenantId: account.tenantId,
    departmentId: account.departmentId,
    resourceGroupId: account.resourceGroupId ?? '',
    name: input.name,
    ...(input.description !== undefined ? { description: input.description } : {}),
  };
}

/** A patch as it may arrive: `diskFormat` is not patchable, but a caller may still send it. */
export type CecstackPatch = ImagePatch & { diskFormat?: string };

/** The PUT's two rules the gateway checks before calling: diskFormat must stay as it is, minDisk may not shrink (IMG.OperationFailed.ModifyMinDiskSize). */
export function updatePatchErrors(current: Record<string, unknown>, patch: CecstackPatch): FieldError[] {
  const errors: FieldError[] = [];
  const currentFormat = asString(current.diskFormat);
  if (patch.diskFormat !== undefined && patch.diskFormat.toLowerCase() !== currentFormat?.toLowerCase()) {
    errors.push({ field: 'diskFormat', message: `cannot change (the image is ${currentFormat ?? 'of an unknown format'})` });
  }
  const currentMinDisk = asInteger(current.minDisk);
  if (patch.minDiskGiB !== undefined && currentMinDisk !== null && patch.minDiskGiB < currentMinDisk) {
    errors.push({ field: 'minDiskGiB', message: `cannot shrink below the current ${currentMinDisk} GiB` });
  }
  return errors;
}

/**
 * PUT private-images/{id} (1.5) takes the whole record: the current one (as the detail call answers it) with the patch applied.
 * The table has no `description`; it is sent only when the caller patches it.
 */
export function updateImageBody(current: Record<string, unknown>, patch: CecstackPatch): Record<string, unknown> {
  return {
    // BIOS is the vendor's documented default for a record that names none.
    bootMode: patch.bootMode !== undefined ? vendorSpelling(patch.bootMode, BOOT_MODES) : asString(current.bootMode) ?? 'BIOS',
    cpuArch: patch.architecture !== undefined ? cpuArchOf(patch.architecture) : asString(current.cpuArch),
    diskFormat: asString(current.diskFormat),
    instruction: patch.bits !== undefined ? instructionOf(patch.bits) : asString(current.instructions) ?? asString(current.instruction),
    minDisk: patch.minDiskGiB ?? asInteger(current.minDisk),
    minRam: patch.minRamMiB ?? asInteger(current.minRam),
    name: patch.name ?? asString(current.name),
    osType: patch.osType ?? asString(current.osType),
    osVersion: patch.osVersion ?? asString(current.osVersion) ?? '',
    platform: patch.platform !== undefined ? vendorSpelling(patch.platform, PLATFORMS) : asString(current.platform),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
  };
}

/** The share and unshare bodies (1.13, 1.15). */
export function sharesBody(userIds: readonly string[]): Record<string, unknown> {
  return { shares: { user_ids: [...userIds] } };
}

/** The vendor takes 1–50 distinct user ids per call (DuplicateUserId otherwise). */
export function shareInputErrors(userIds: readonly string[]): FieldError[] {
  const most = CECSTACK_RULES.limits.shareUsers;
  if (userIds.length < 1 || userIds.length > most) return [{ field: 'userIds', message: `must hold 1 to ${most} user ids` }];
  if (new Set(userIds).size !== userIds.length) return [{ field: 'userIds', message: 'must not repeat a user id' }];
  if (userIds.some((id) => id.trim() === '')) return [{ field: 'userIds', message: 'must not hold an empty user id' }];
  return [];
}

/** One entry of GET private-images/{id}/share (1.14); null without a userId. The share list has no status. */
export function mapCecstackShare(item: Record<string, unknown>): ImageShare | null {
  const userId = asString(item.userId);
  if (userId === null) return null;
  return { userId, shareId: asString(item.shareId), status: null, createdAt: isoToUtc(item.createdAt) };
}

function camelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/gi, (_match, letter: string) => letter.toUpperCase());
}

/**
 * The upload-prepare answer (1.7: image_url, accessKey, secretKey, token, bucket, file, domain) as an UploadTarget:
 * names in camelCase (`image_url` -> `imageUrl`), values as sent. The answer names no upload id; `uploadId` is the
 * vendor's when it sends one (upload-done's `uploadId` is the object store's multipart id, chosen by the uploader).
 */
export function mapUploadTarget(data: Record<string, unknown>): UploadTarget {
  const fields = Object.fromEntries(Object.entries(data).map(([name, value]) => [camelCase(name), value]));
  return { ...fields, uploadId: asString(fields.uploadId) };
}

/** One oss-bucket-list entry (1.19) as an ExportTarget; null unless it names name, azId and cellId. */
export function mapExportTarget(item: Record<string, unknown>): ExportTarget | null {
  const name = asString(item.name);
  const azId = asString(item.azId);
  const cellId = asString(item.cellId);
  if (name === null || azId === null || cellId === null) return null;
  return { ...item, name, azId, cellId };
}

/** The export body (1.20): the bucket as oss-bucket-list names it, nothing else. */
export function exportBody(bucket: ExportTarget): Record<string, unknown> {
  return { bucket: { name: bucket.name, azId: bucket.azId, cellId: bucket.cellId } };
}

/** The shared-with-me record for an image id, or undefined. The nested image's id wins, as in the list mapper. */
export function findShareOf(shares: readonly Record<string, unknown>[], providerImageId: string): Record<string, unknown> | undefined {
  return shares.find((share) => (isRecord(share.image) ? asString(share.image.imageId) ?? asString(share.imageId) : asString(share.imageId)) === providerImageId);
}
