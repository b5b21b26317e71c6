import { isPlainObject } from '../vendors/vendor';
import { Fields, httpUrl, invalid, objectBody } from './fields';
import { IMS, Outcome, Rejection, attempt } from './rejection';

// Request bodies of the IMS write calls, checked against the doc's parameter tables. Every malformed or
// missing field is IMG.InvalidParameter with the field's name as detail; fields the tables do not name are
// ignored, as the vendor's JSON binding would.

export const DISK_FORMATS = ['qcow2', 'raw'] as const;
export const IMAGE_TYPES = ['os_image', 'data_image', 'whole_image'] as const;
export const INSTRUCTIONS = ['32-bits', '64-bits'] as const;
export const CPU_ARCHES = ['x86', 'arm'] as const;
export const BOOT_MODES = ['BIOS', 'UEFI'] as const;
export const CREATE_VISIBILITIES = ['public', 'private', 'market'] as const;
// Create lists sec/cke/bms/ecs, import lists ecs/cks (likely cke misspelt): one set accepts them all.
export const USAGES = ['ecs', 'cke', 'cks', 'bms', 'sec'] as const;
// Compared case-insensitively: the doc's own examples write both `CCLinux` and `cclinux`, `linux` and `Linux`.
const OS_TYPES = ['linux', 'windows', 'other'] as const;
const PLATFORMS = ['windows', 'ubuntu', 'centos', 'kylin', 'cclinux', 'other'] as const;

/** The doc: at most 50 user ids per share or unshare call. */
export const MAX_SHARE_USERS = 50;
// The doc's ids are 19-digit snowflakes (7085524801413873664, 1855424812545355741); shorter ones are allowed
// down to 16 digits for older accounts.
const USER_ID = /^[1-9]\d{15,18}$/;

export interface ImageTag {
  key: string;
  value: string;
}

export interface ImageMetadataInput {
  diskFormat: string;
  minDisk: number;
  minRam: number;
  name: string;
  imageType: string;
  instruction: string;
  cpuArch: string;
  description?: string;
  osType: string;
  platform: string;
  visibility: string;
  imageTags?: ImageTag[];
  usage: string;
  departmentId: string;
  tenantId: string;
  resourceGroupId: string;
  bootMode: string;
  osVersion: string;
}

export interface VolumeImageInput {
  imageUrl: string;
  minDisk: number;
}

export interface ImportInput extends ImageMetadataInput {
  imageUrl: string;
  volumeImages: VolumeImageInput[];
}

export interface UpdateInput {
  bootMode: string;
  cpuArch: string;
  diskFormat: string;
  instruction: string;
  minDisk: number;
  minRam: number;
  name: string;
  osType: string;
  osVersion: string;
  platform: string;
}

export interface UploadDoneInput {
  result: 'success' | 'failed';
  uploadId?: string;
}

export interface CopyInput {
  tenantId: string;
  departmentId: string;
  resourceGroupId: string;
  name: string;
  description?: string;
}

export interface OssBucket {
  azId: string;
  cellId: string;
  name: string;
}

/** The fields create (1.6) and import (1.18) share; `imageType` is required by create only. */
function metadata(fields: Fields, imageTypeRequired: boolean): ImageMetadataInput {
  return {
    diskFormat: fields.oneOf('diskFormat', DISK_FORMATS),
    minDisk: fields.integer('minDisk', 1),
    minRam: fields.integer('minRam', 0),
    name: fields.name('name'),
    imageType: imageTypeRequired || fields.has('imageType') ? fields.oneOf('imageType', IMAGE_TYPES) : '',
    instruction: fields.oneOf('instruction', INSTRUCTIONS),
    cpuArch: fields.oneOf('cpuArch', CPU_ARCHES),
    description: fields.description('description'),
    osType: fields.oneOfAnyCase('osType', OS_TYPES),
    platform: fields.oneOfAnyCase('platform', PLATFORMS),
    visibility: fields.oneOf('visibility', CREATE_VISIBILITIES),
    imageTags: fields.tags('imageTags'),
    usage: fields.oneOf('usage', USAGES),
    departmentId: fields.required('departmentId'),
    tenantId: fields.required('tenantId'),
    resourceGroupId: fields.string('resourceGroupId', { optional: true, allowEmpty: true }) ?? '',
    bootMode: fields.has('bootMode') ? fields.oneOf('bootMode', BOOT_MODES) : 'BIOS',
    osVersion: fields.string('osVersion', { optional: true, allowEmpty: true }) ?? '',
  };
}

/** POST private-images. The table nests the fields in an `image` object, the example sends them flat: both are read. */
export function parseCreateImage(body: unknown): Outcome<ImageMetadataInput> {
  return attempt(() => {
    if (!isPlainObject(body)) throw invalid('body');
    const image = body['image'];
    return metadata(isPlainObject(image) ? new Fields(image, 'image.') : new Fields(body), true);
  });
}

/** POST private-images/import. */
export function parseImportImage(body: unknown): Outcome<ImportInput> {
  return attempt(() => {
    if (!isPlainObject(body)) throw invalid('body');
    const fields = new Fields(body);
    const input = metadata(fields, false);
    if (input.visibility !== 'private') throw invalid('visibility'); // "固定值": private only
    const imageUrl = httpUrl(fields.required('imageUrl'), 'imageUrl');
    const osVersion = fields.required('osVersion', { allowEmpty: true });
    // The table spells it `volumelImages`, the example `volumeImages`.
    const volumeKey = fields.has('volumeImages') ? 'volumeImages' : 'volumelImages';
    const rawVolumes = body[volumeKey];
    let volumeImages: VolumeImageInput[] = [];
    if (rawVolumes !== undefined && rawVolumes !== null) {
      if (!Array.isArray(rawVolumes)) throw invalid(volumeKey);
      volumeImages = rawVolumes.map((volume, index) => {
        if (!isPlainObject(volume)) throw invalid(`${volumeKey}[${index}]`);
        const volumeFields = new Fields(volume, `${volumeKey}[${index}].`);
        // minDisk is a string in the table and a number in the example.
        return { imageUrl: httpUrl(volumeFields.required('imageUrl'), `${volumeKey}[${index}].imageUrl`), minDisk: volumeFields.integer('minDisk', 1, { acceptString: true }) };
      });
    }
    return { ...input, imageUrl, osVersion, volumeImages };
  });
}

/** PUT private-images/{id}: every field required (the whole record); `instruction` in, `instructions` stored. */
export function parseUpdateImage(body: unknown): Outcome<UpdateInput> {
  return attempt(() => {
    const fields = objectBody(body);
    return {
      bootMode: fields.oneOf('bootMode', BOOT_MODES),
      cpuArch: fields.oneOf('cpuArch', CPU_ARCHES),
      diskFormat: fields.oneOf('diskFormat', DISK_FORMATS),
      instruction: fields.oneOf('instruction', INSTRUCTIONS),
      minDisk: fields.integer('minDisk', 1),
      minRam: fields.integer('minRam', 0),
      name: fields.name('name'),
      osType: fields.oneOfAnyCase('osType', OS_TYPES),
      osVersion: fields.required('osVersion', { allowEmpty: true }),
      platform: fields.oneOfAnyCase('platform', PLATFORMS),
    };
  });
}

/** POST …/upload-prepare: `size`, the file's size in bytes. */
export function parseUploadPrepare(body: unknown): Outcome<{ size: number }> {
  return attempt(() => ({ size: objectBody(body).integer('size', 1) }));
}

/** POST …/upload-done: `result` success or failed, `uploadId` optional. */
export function parseUploadDone(body: unknown): Outcome<UploadDoneInput> {
  return attempt(() => {
    const fields = objectBody(body);
    const result = fields.oneOf('result', ['success', 'failed'] as const);
    const uploadId = fields.string('uploadId', { optional: true, allowEmpty: true });
    return uploadId === undefined ? { result } : { result, uploadId };
  });
}

/**
 * `{shares: {user_ids: [...]}}` of share and unshare. Checked in this order: shape (InvalidParameter), more than
 * 50 ids (the doc names no code for it: InvalidParameter), a repeated id (DuplicateUserId), an id that is no user
 * id or is our own tenant (InvalidUserId).
 */
export function parseShareUsers(body: unknown, ownIds: readonly string[]): Outcome<string[]> {
  return attempt(() => {
    if (!isPlainObject(body)) throw invalid('body');
    const shares = body['shares'];
    if (!isPlainObject(shares)) throw invalid('shares');
    const userIds = shares['user_ids'];
    if (!Array.isArray(userIds) || userIds.length === 0) throw invalid('shares.user_ids');
    if (!userIds.every((userId): userId is string => typeof userId === 'string')) throw invalid('shares.user_ids');
    if (userIds.length > MAX_SHARE_USERS) throw invalid(`shares.user_ids: at most ${MAX_SHARE_USERS}`);
    const repeated = userIds.find((userId, index) => userIds.indexOf(userId) !== index);
    if (repeated !== undefined) throw new Rejection(IMS.duplicateUserId, repeated);
    const bad = userIds.find((userId) => !USER_ID.test(userId) || ownIds.includes(userId));
    if (bad !== undefined) throw new Rejection(IMS.invalidUserId, bad);
    return userIds;
  });
}

/** POST shared-images/{shareId}/copy (1.21): resourceGroupId is required but may be empty, as in 1.6's example. */
export function parseCopyShared(body: unknown): Outcome<CopyInput> {
  return attempt(() => {
    const fields = objectBody(body);
    return {
      tenantId: fields.required('tenantId'),
      departmentId: fields.required('departmentId'),
      resourceGroupId: fields.required('resourceGroupId', { allowEmpty: true }),
      name: fields.name('name'),
      description: fields.description('description'),
    };
  });
}

/** POST custom-images/{id}/export: `{bucket: {name, azId, cellId}}`. */
export function parseExport(body: unknown): Outcome<OssBucket> {
  return attempt(() => {
    if (!isPlainObject(body)) throw invalid('body');
    const bucket = body['bucket'];
    if (!isPlainObject(bucket)) throw invalid('bucket');
    const fields = new Fields(bucket, 'bucket.');
    return { name: fields.required('name'), azId: fields.required('azId'), cellId: fields.required('cellId') };
  });
}
