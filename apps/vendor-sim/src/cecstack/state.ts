import { createHash, randomInt } from 'node:crypto';
import { CecstackCatalog, CecstackImage, buildCecstackCatalog, formatBeijingTime } from '../catalogs/cecstack';
import { CECSTACK_DOC_BUCKETS, CECSTACK_DOC_EXPORT_REQUEST, CECSTACK_DOC_SHARE_USER, CECSTACK_DOC_TENANT } from '../fixtures/cecstack-examples';
import { GIB, MIB } from '../random';
import { IMS, ImsCode, Outcome, Rejection } from './rejection';
import { CopyInput, ImageMetadataInput, ImportInput, OssBucket, UpdateInput, UploadDoneInput } from './requests';

// The account's mutable IMS state over the seeded catalog. Timed work (an import, an upload being saved, a copy)
// is a list of dated steps per image, applied when anything next reads the state: no timers to leak or cancel,
// and a step's `updatedAt` is the moment it was due, however late it is observed.

/** Private images an account may hold; one more create, import or copy is IMG.OperationDenied.QuotaNotEnough. */
export const PRIVATE_IMAGE_QUOTA = 200;

/** The account the simulator serves: the tenant of the doc's private-list example. */
export const OWN_TENANT_ID = CECSTACK_DOC_TENANT.owner;
/**
 * Sharing to our own tenant is IMG.OperationFailed.InvalidUserId. The doc's share example user (lptest) stays a
 * valid target: the doc's own share call (1.13.7) shares to it.
 */
export const OWN_IDS: readonly string[] = [OWN_TENANT_ID];

/** The cell our images live in: the one the doc's examples name. */
const HOME_CELL = 'ecs49';
/** A URL on the reserved `.invalid` domain can never be fetched: its import ends `killed`. */
const UNREACHABLE_HOST = /(^|\.)invalid$/i;
const KNOWN_USER_NAMES: Readonly<Record<string, string>> = { [CECSTACK_DOC_SHARE_USER.userId]: CECSTACK_DOC_SHARE_USER.userName };

/** One row of GET private-images/{id}/share (1.14). */
export interface CecstackShareGrant {
  createdAt: string;
  updatedAt: string;
  id: number;
  shareId: string;
  imageId: string;
  userId: string;
  image: null;
  userName: string;
}

/** Answer of upload-prepare (1.7), field for field. */
export interface CecstackUploadTarget {
  image_url: string;
  accessKey: string;
  secretKey: string;
  token: string;
  bucket: string;
  file: string;
  domain: string;
}

export interface CecstackExportRecord {
  imageId: string;
  bucket: OssBucket;
  createdAt: string;
}

interface Step {
  atMs: number;
  patch: Partial<CecstackImage>;
}

const ALNUM_LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM_MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

export class CecstackState {
  readonly catalog: CecstackCatalog = buildCecstackCatalog();
  /** Our images' shares by image id, oldest first. */
  private readonly grants = new Map<string, CecstackShareGrant[]>();
  private readonly exportRecords: CecstackExportRecord[] = [];
  private readonly pendingSteps = new Map<string, Step[]>();
  /** Sizes given to upload-prepare, by image id: the file upload-done then declares uploaded. */
  private readonly preparedUploads = new Map<string, number>();
  private lastImageRowId: number;
  private lastShareRowId = 0;
  /** The account's image bucket, as upload-prepare and oss-bucket-list name it: the one the doc's export example writes to. */
  readonly accountBucket = CECSTACK_DOC_EXPORT_REQUEST.bucket.name;
  readonly buckets: readonly OssBucket[];

  constructor(private readonly options: { stepMs: number; regionId: string; now?: () => number }) {
    const all = [...this.catalog.publicImages, ...this.catalog.privateImages, ...this.catalog.sharedImages.map((share) => share.image)];
    this.lastImageRowId = Math.max(...all.map((image) => image.id));
    // The account bucket, as the doc's export example (1.20) addresses it, then the doc's example targets (1.19).
    this.buckets = [{ ...CECSTACK_DOC_EXPORT_REQUEST.bucket }, ...CECSTACK_DOC_BUCKETS.map((bucket) => ({ ...bucket }))];
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Applies every step that has come due. Called before each request and each admin view. */
  settle(): void {
    const now = this.now();
    for (const [imageId, steps] of this.pendingSteps) {
      while (steps.length > 0 && steps[0].atMs <= now) {
        const step = steps.shift() as Step;
        for (const record of this.recordsOf(imageId)) Object.assign(record, step.patch, { updatedAt: formatBeijingTime(step.atMs) });
      }
      if (steps.length === 0) this.pendingSteps.delete(imageId);
    }
  }

  // ---- lookups

  /** Every record of one of our images: its private-list row and, for a published one, its public row. */
  private recordsOf(imageId: string): CecstackImage[] {
    return [...this.catalog.privateImages, ...this.catalog.publicImages].filter((image) => image.imageId === imageId);
  }

  private isPublic(imageId: string): boolean {
    return this.catalog.publicImages.some((image) => image.imageId === imageId);
  }

  /**
   * One of our images, for the private-image calls. A public image is refused with `publicCode` when the call has
   * one (delete, download, share); otherwise an image that exists but is not ours (public, or shared with us) is
   * IMG.OperationDenied.Identity, and an unknown id IMG.DBGet.NoData.
   */
  private ownImage(imageId: string, publicCode?: ImsCode): Outcome<CecstackImage> {
    if (publicCode !== undefined && this.isPublic(imageId)) return new Rejection(publicCode, imageId);
    const own = this.catalog.privateImages.find((image) => image.imageId === imageId);
    if (own !== undefined) return own;
    if (this.isPublic(imageId) || this.catalog.sharedImages.some((share) => share.imageId === imageId)) return new Rejection(IMS.identity, imageId);
    return new Rejection(IMS.noData, imageId);
  }

  /** GET images/{id}: our own record first (it carries our edits), then the public listing, then a share. */
  detail(imageId: string): CecstackImage | undefined {
    return (
      this.catalog.privateImages.find((image) => image.imageId === imageId) ??
      this.catalog.publicImages.find((image) => image.imageId === imageId) ??
      this.catalog.sharedImages.find((share) => share.imageId === imageId)?.image
    );
  }

  grantsOf(imageId: string): Outcome<CecstackShareGrant[]> {
    const image = this.ownImage(imageId);
    if (image instanceof Rejection) return image;
    return [...(this.grants.get(imageId) ?? [])];
  }

  /** Image ids with at least one share, and to whom; for the admin view. */
  shareTable(): Record<string, string[]> {
    return Object.fromEntries([...this.grants].map(([imageId, grants]) => [imageId, grants.map((grant) => grant.userId)]));
  }

  exports(): CecstackExportRecord[] {
    return this.exportRecords.map((record) => ({ ...record, bucket: { ...record.bucket } }));
  }

  // ---- create, import, copy

  private checkQuota(): Rejection | null {
    return this.catalog.privateImages.length >= PRIVATE_IMAGE_QUOTA ? new Rejection(IMS.quotaNotEnough, `${PRIVATE_IMAGE_QUOTA} private images`) : null;
  }

  private newImageId(): string {
    for (;;) {
      const imageId = `img-${randomFrom(ALNUM_LOWER, 14)}`;
      if (this.detail(imageId) === undefined) return imageId;
    }
  }

  /** A new row of our private list, newest first as the list is served. */
  private addImage(fields: Omit<CecstackImage, 'createdAt' | 'updatedAt' | 'id' | 'imageId'>, nowMs: number): CecstackImage {
    const stamp = formatBeijingTime(nowMs);
    const image: CecstackImage = { createdAt: stamp, updatedAt: stamp, id: ++this.lastImageRowId, imageId: this.newImageId(), ...fields };
    this.catalog.privateImages.unshift(image);
    return image;
  }

  private metadataRecord(input: ImageMetadataInput, imageType: string, sourceType: string): Omit<CecstackImage, 'createdAt' | 'updatedAt' | 'id' | 'imageId'> {
    const record: Omit<CecstackImage, 'createdAt' | 'updatedAt' | 'id' | 'imageId'> = {
      imageType,
      name: input.name,
      size: 0,
      status: 'queued',
      diskFormat: input.diskFormat,
      checksum: '',
      owner: input.tenantId,
      minDisk: input.minDisk,
      minRam: input.minRam,
      cpuArch: input.cpuArch,
      osType: input.osType,
      platform: input.platform,
      progress: '0',
      usage: input.usage,
      instructions: input.instruction,
      uploadId: '',
      imageTags: input.imageTags ?? [],
      region: HOME_CELL,
      visibility: input.visibility,
      departmentId: input.departmentId,
      resourceGroupId: input.resourceGroupId,
      bootMode: input.bootMode,
      osVersion: input.osVersion,
      sourceType,
      tenantName: input.tenantId === OWN_TENANT_ID ? CECSTACK_DOC_TENANT.tenantName : '',
    };
    if (input.description !== undefined) record.description = input.description;
    return record;
  }

  private schedule(imageId: string, steps: Step[]): void {
    this.pendingSteps.set(imageId, steps);
  }

  /** POST private-images: metadata only; `queued` until upload-done. */
  createImage(input: ImageMetadataInput): Outcome<CecstackImage> {
    const quota = this.checkQuota();
    if (quota !== null) return quota;
    return this.addImage(this.metadataRecord(input, input.imageType, ''), this.now());
  }

  /** POST private-images/import: `queued`, `saving` one step later, `active` (or `killed`) one step after that. */
  importImage(input: ImportInput): Outcome<CecstackImage> {
    const quota = this.checkQuota();
    if (quota !== null) return quota;
    const imageType = input.imageType !== '' ? input.imageType : input.volumeImages.length > 0 ? 'whole_image' : 'os_image';
    const nowMs = this.now();
    const image = this.addImage(this.metadataRecord(input, imageType, 'import'), nowMs);
    const reachable = [input.imageUrl, ...input.volumeImages.map((volume) => volume.imageUrl)].every((url) => !UNREACHABLE_HOST.test(new URL(url).hostname));
    const { stepMs } = this.options;
    const size = this.importedSize(image.imageId, input.minDisk);
    this.schedule(image.imageId, [
      { atMs: nowMs + stepMs, patch: { status: 'saving', progress: '50' } },
      {
        atMs: nowMs + 2 * stepMs,
        patch: reachable ? { status: 'active', progress: '100', size, checksum: md5Hex(`${image.imageId}:${size}`) } : { status: 'killed', progress: '0' },
      },
    ]);
    return image;
  }

  /** A plausible file size that fits the disk: a quarter to three quarters of minDisk, at most 8 GiB. */
  private importedSize(imageId: string, minDiskGiB: number): number {
    const fraction = 0.25 + (parseInt(md5Hex(imageId).slice(0, 8), 16) / 0xffffffff) * 0.5;
    return Math.max(MIB, Math.floor(Math.min(minDiskGiB * GIB, 8 * GIB) * fraction));
  }

  /** POST shared-images/{shareId}/copy: a private copy, `saving` at once (as the doc's answer shows), `active` one step later. */
  copyShared(shareId: string, input: CopyInput): Outcome<CecstackImage> {
    const share = this.catalog.sharedImages.find((candidate) => candidate.shareId === shareId);
    if (share === undefined) return new Rejection(IMS.noData, shareId);
    const source = share.image;
    if (source.status !== 'active') return new Rejection(IMS.actionNotMatchStatus, `shared image is ${source.status}`);
    const quota = this.checkQuota();
    if (quota !== null) return quota;
    const nowMs = this.now();
    const image = this.addImage(
      {
        imageType: source.imageType,
        name: input.name,
        size: source.size,
        status: 'saving',
        diskFormat: source.diskFormat,
        checksum: source.checksum,
        owner: input.tenantId,
        minDisk: source.minDisk,
        minRam: source.minRam,
        cpuArch: source.cpuArch,
        osType: source.osType,
        platform: source.platform,
        progress: '0',
        usage: source.usage,
        instructions: source.instructions,
        uploadId: '',
        imageTags: null,
        region: HOME_CELL,
        visibility: 'private',
        departmentId: input.departmentId,
        resourceGroupId: input.resourceGroupId,
        bootMode: source.bootMode ?? 'BIOS',
        osVersion: source.osVersion ?? '',
        position: '',
        sourceType: '',
        tenantName: input.tenantId === OWN_TENANT_ID ? CECSTACK_DOC_TENANT.tenantName : '',
        // The copy answer (1.21) names the description `describe`.
        ...(input.description === undefined ? {} : { describe: input.description }),
      },
      nowMs,
    );
    this.schedule(image.imageId, [{ atMs: nowMs + this.options.stepMs, patch: { status: 'active', progress: '100' } }]);
    return image;
  }

  // ---- update, delete

  /**
   * PUT private-images/{id}. diskFormat must stay as it was: the doc says so without naming a code, so it is
   * IMG.InvalidParameter. minDisk may not shrink: ModifyMinDiskSize. (A grown minDisk always still holds the file:
   * upload-prepare already refuses a file larger than minDisk, with MinDiskSize.)
   */
  updateImage(imageId: string, input: UpdateInput): Outcome<null> {
    const image = this.ownImage(imageId);
    if (image instanceof Rejection) return image;
    if (input.diskFormat !== image.diskFormat) return new Rejection(IMS.invalidParameter, `diskFormat must stay ${image.diskFormat}`);
    if (input.minDisk < image.minDisk) return new Rejection(IMS.modifyMinDiskSize, `minDisk ${input.minDisk} < ${image.minDisk}`);
    const { instruction, ...rest } = input;
    const updatedAt = formatBeijingTime(this.now());
    for (const record of this.recordsOf(imageId)) Object.assign(record, rest, { instructions: instruction, updatedAt });
    return null;
  }

  /** DELETE private-images/{id}: not a public image, not while shared, not while a file is being saved. */
  deleteImage(imageId: string): Outcome<null> {
    const image = this.ownImage(imageId, IMS.deleteNotAllowed);
    if (image instanceof Rejection) return image;
    if ((this.grants.get(imageId) ?? []).length > 0) return new Rejection(IMS.imageIsShared, imageId);
    if (image.status === 'saving') return new Rejection(IMS.actionNotMatchStatus, 'saving');
    this.catalog.privateImages.splice(this.catalog.privateImages.indexOf(image), 1);
    this.pendingSteps.delete(imageId);
    this.preparedUploads.delete(imageId);
    this.grants.delete(imageId);
    return null;
  }

  /** DELETE shared-images/{shareId}: the share leaves our shared-with-me list. */
  deleteShared(shareId: string): Outcome<null> {
    const index = this.catalog.sharedImages.findIndex((share) => share.shareId === shareId);
    if (index < 0) return new Rejection(IMS.noData, shareId);
    this.catalog.sharedImages.splice(index, 1);
    return null;
  }

  // ---- upload, download

  /** POST …/upload-prepare: only a `queued` image, and the file must fit minDisk. */
  prepareUpload(imageId: string, size: number): Outcome<CecstackUploadTarget> {
    const image = this.ownImage(imageId);
    if (image instanceof Rejection) return image;
    if (image.status !== 'queued') return new Rejection(IMS.uploadNotAllowed, image.status);
    if (size > image.minDisk * GIB) return new Rejection(IMS.minDiskSize, `${size} bytes > minDisk ${image.minDisk} GiB`);
    this.preparedUploads.set(imageId, size);
    return {
      image_url: '',
      accessKey: randomFrom(ALNUM_MIXED, 20),
      secretKey: randomFrom(ALNUM_MIXED, 40),
      token: '',
      bucket: this.accountBucket,
      file: imageId,
      domain: `https://oss-${this.options.regionId}.cecstack.invalid:8009`,
    };
  }

  /**
   * POST …/upload-done on a `queued` image (else ActionNotMatchStatus). `failed` kills it. `success` without an
   * upload-prepare finds no object in the bucket: IMG.OperationFailed.UploadError, and the image stays queued.
   * Otherwise `saving` at once and `active` one step later, with the prepared size.
   */
  completeUpload(imageId: string, input: UploadDoneInput): Outcome<null> {
    const image = this.ownImage(imageId);
    if (image instanceof Rejection) return image;
    if (image.status !== 'queued') return new Rejection(IMS.actionNotMatchStatus, image.status);
    const nowMs = this.now();
    const updatedAt = formatBeijingTime(nowMs);
    if (input.result === 'failed') {
      Object.assign(image, { status: 'killed', progress: '0', updatedAt });
      this.preparedUploads.delete(imageId);
      return null;
    }
    const size = this.preparedUploads.get(imageId);
    if (size === undefined) return new Rejection(IMS.uploadError, 'no upload-prepare for this image');
    this.preparedUploads.delete(imageId);
    Object.assign(image, { status: 'saving', progress: '50', uploadId: input.uploadId ?? '', updatedAt });
    this.schedule(imageId, [
      { atMs: nowMs + this.options.stepMs, patch: { status: 'active', progress: '100', uploadId: '', size, checksum: md5Hex(`${imageId}:${size}`) } },
    ]);
    return null;
  }

  /** GET …/file: our own `active` images only; public ones are DownloadNotAllowed, others DownloadNotallowed. */
  downloadable(imageId: string): Outcome<CecstackImage> {
    const image = this.ownImage(imageId, IMS.downloadNotAllowed);
    if (image instanceof Rejection) return image;
    if (image.status !== 'active') return new Rejection(IMS.downloadNotAlive, image.status);
    return image;
  }

  // ---- shares

  /** POST …/share: an `active` image of ours (a public one cannot be shared: ActionNotMatch), no user twice. */
  share(imageId: string, userIds: readonly string[]): Outcome<null> {
    const image = this.ownImage(imageId, IMS.actionNotMatch);
    if (image instanceof Rejection) return image;
    if (image.status !== 'active') return new Rejection(IMS.actionNotMatchStatus, image.status);
    const grants = this.grants.get(imageId) ?? [];
    const already = userIds.find((userId) => grants.some((grant) => grant.userId === userId));
    if (already !== undefined) return new Rejection(IMS.alreadyShared, already);
    const nowMs = this.now();
    for (const userId of userIds) {
      const stamp = new Date(nowMs).toISOString();
      grants.push({
        createdAt: stamp,
        updatedAt: stamp,
        id: ++this.lastShareRowId,
        shareId: `img-share-${randomFrom(ALNUM_LOWER, 20)}`,
        imageId,
        userId,
        image: null,
        userName: KNOWN_USER_NAMES[userId] ?? `user-${userId.slice(-6)}`,
      });
    }
    this.grants.set(imageId, grants);
    return null;
  }

  /** POST …/unshare: every user must hold a share (else NotShared); all or nothing. */
  unshare(imageId: string, userIds: readonly string[]): Outcome<null> {
    const image = this.ownImage(imageId);
    if (image instanceof Rejection) return image;
    const grants = this.grants.get(imageId) ?? [];
    const missing = userIds.find((userId) => !grants.some((grant) => grant.userId === userId));
    if (missing !== undefined) return new Rejection(IMS.notShared, missing);
    const left = grants.filter((grant) => !userIds.includes(grant.userId));
    if (left.length === 0) this.grants.delete(imageId);
    else this.grants.set(imageId, left);
    return null;
  }

  // ---- export

  bucketsFor(imageId: string): Outcome<OssBucket[]> {
    const image = this.ownImage(imageId);
    if (image instanceof Rejection) return image;
    return this.buckets.map((bucket) => ({ ...bucket }));
  }

  /** POST custom-images/{id}/export: an `active` image of ours, to one of the buckets oss-bucket-list names. */
  exportImage(imageId: string, bucket: OssBucket): Outcome<null> {
    const image = this.ownImage(imageId);
    if (image instanceof Rejection) return image;
    if (image.status !== 'active') return new Rejection(IMS.actionNotMatchStatus, image.status);
    // An unknown bucket has no code of its own in the doc: it is a bad parameter.
    const known = this.buckets.some((candidate) => candidate.name === bucket.name && candidate.azId === bucket.azId && candidate.cellId === bucket.cellId);
    if (!known) return new Rejection(IMS.invalidParameter, `bucket ${bucket.name}`);
    this.exportRecords.push({ imageId, bucket: { ...bucket }, createdAt: new Date(this.now()).toISOString() });
    return null;
  }
}
