import { CecstackImage, formatBeijingTime } from '../catalogs/cecstack';
import { CECSTACK_DOC_TENANT } from '../fixtures/cecstack-examples';
import { GIB, MIB } from '../random';
import { ImageFiles } from './files';
import { ImageLedger, NewImageFields, OWN_TENANT_ID, md5Hex } from './ledger';
import { IMS, Outcome, Rejection } from './rejection';
import { CopyInput, ImageMetadataInput, ImportInput, UpdateInput } from './requests';
import { ShareGrants } from './shares';

/** The cell our images live in: the one the doc's examples name. */
const HOME_CELL = 'ecs49';
/** A URL on the reserved `.invalid` domain can never be fetched: its import ends `killed`. */
const UNREACHABLE_HOST = /(^|\.)invalid$/i;

/** Our private images' life: create, import, copy from a share, update, delete; and dropping a share made to us. */
export class ImageWrites {
  constructor(
    private readonly ledger: ImageLedger,
    private readonly shares: ShareGrants,
    private readonly files: ImageFiles,
  ) {}

  private metadataRecord(input: ImageMetadataInput, imageType: string, sourceType: string): NewImageFields {
    const record: NewImageFields = {
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

  /** POST private-images: metadata only; `queued` until upload-done. */
  createImage(input: ImageMetadataInput): Outcome<CecstackImage> {
    const quota = this.ledger.checkQuota();
    if (quota !== null) return quota;
    return this.ledger.addImage(this.metadataRecord(input, input.imageType, ''), this.ledger.now());
  }

  /** POST private-images/import: `queued`, `saving` one step later, `active` (or `killed`) one step after that. */
  importImage(input: ImportInput): Outcome<CecstackImage> {
    const quota = this.ledger.checkQuota();
    if (quota !== null) return quota;
    const imageType = input.imageType !== '' ? input.imageType : input.volumeImages.length > 0 ? 'whole_image' : 'os_image';
    const nowMs = this.ledger.now();
    const image = this.ledger.addImage(this.metadataRecord(input, imageType, 'import'), nowMs);
    const reachable = [input.imageUrl, ...input.volumeImages.map((volume) => volume.imageUrl)].every((url) => !UNREACHABLE_HOST.test(new URL(url).hostname));
    const { stepMs } = this.ledger;
    const size = this.importedSize(image.imageId, input.minDisk);
    this.ledger.schedule(image.imageId, [
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
    const share = this.ledger.catalog.sharedImages.find((candidate) => candidate.shareId === shareId);
    if (share === undefined) return new Rejection(IMS.noData, shareId);
    const source = share.image;
    if (source.status !== 'active') return new Rejection(IMS.actionNotMatchStatus, `shared image is ${source.status}`);
    const quota = this.ledger.checkQuota();
    if (quota !== null) return quota;
    const nowMs = this.ledger.now();
    const image = this.ledger.addImage(
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
    this.ledger.schedule(image.imageId, [{ atMs: nowMs + this.ledger.stepMs, patch: { status: 'active', progress: '100' } }]);
    return image;
  }

  /**
   * PUT private-images/{id}. diskFormat must stay as it was: the doc says so without naming a code, so it is
   * IMG.InvalidParameter. minDisk may not shrink: ModifyMinDiskSize. (A grown minDisk always still holds the file:
   * upload-prepare already refuses a file larger than minDisk, with MinDiskSize.)
   */
  updateImage(imageId: string, input: UpdateInput): Outcome<null> {
    const image = this.ledger.ownImage(imageId);
    if (image instanceof Rejection) return image;
    if (input.diskFormat !== image.diskFormat) return new Rejection(IMS.invalidParameter, `diskFormat must stay ${image.diskFormat}`);
    if (input.minDisk < image.minDisk) return new Rejection(IMS.modifyMinDiskSize, `minDisk ${input.minDisk} < ${image.minDisk}`);
    const { instruction, ...rest } = input;
    const updatedAt = formatBeijingTime(this.ledger.now());
    for (const record of this.ledger.recordsOf(imageId)) Object.assign(record, rest, { instructions: instruction, updatedAt });
    return null;
  }

  /** DELETE private-images/{id}: not a public image, not while shared, not while a file is being saved. */
  deleteImage(imageId: string): Outcome<null> {
    const image = this.ledger.ownImage(imageId, IMS.deleteNotAllowed);
    if (image instanceof Rejection) return image;
    if (this.shares.isShared(imageId)) return new Rejection(IMS.imageIsShared, imageId);
    if (image.status === 'saving') return new Rejection(IMS.actionNotMatchStatus, 'saving');
    this.ledger.removeImage(image);
    this.files.forget(imageId);
    this.shares.forget(imageId);
    return null;
  }

  /** DELETE shared-images/{shareId}: the share leaves our shared-with-me list. */
  deleteShared(shareId: string): Outcome<null> {
    const index = this.ledger.catalog.sharedImages.findIndex((share) => share.shareId === shareId);
    if (index < 0) return new Rejection(IMS.noData, shareId);
    this.ledger.catalog.sharedImages.splice(index, 1);
    return null;
  }
}
