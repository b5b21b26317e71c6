import { CecstackImage, formatBeijingTime } from '../catalogs/cecstack';
import { GIB } from '../random';
import { ALNUM_MIXED, ImageLedger, md5Hex, randomFrom } from './ledger';
import { IMS, Outcome, Rejection } from './rejection';
import { UploadDoneInput } from './requests';

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

/** The file of one of our images: upload-prepare, upload-done, download. */
export class ImageFiles {
  /** Sizes given to upload-prepare, by image id: the file upload-done then declares uploaded. */
  private readonly preparedUploads = new Map<string, number>();

  constructor(
    private readonly ledger: ImageLedger,
    private readonly storage: { regionId: string; bucket: string },
  ) {}

  /** Drops a deleted image's prepared upload. */
  forget(imageId: string): void {
    this.preparedUploads.delete(imageId);
  }

  /** POST …/upload-prepare: only a `queued` image, and the file must fit minDisk. */
  prepareUpload(imageId: string, size: number): Outcome<CecstackUploadTarget> {
    const image = this.ledger.ownImage(imageId);
    if (image instanceof Rejection) return image;
    if (image.status !== 'queued') return new Rejection(IMS.uploadNotAllowed, image.status);
    if (size > image.minDisk * GIB) return new Rejection(IMS.minDiskSize, `${size} bytes > minDisk ${image.minDisk} GiB`);
    this.preparedUploads.set(imageId, size);
    return {
      image_url: '',
      accessKey: randomFrom(ALNUM_MIXED, 20),
      secretKey: randomFrom(ALNUM_MIXED, 40),
      token: '',
      bucket: this.storage.bucket,
      file: imageId,
      domain: `https://oss-${this.storage.regionId}.cecstack.invalid:8009`,
    };
  }

  /**
   * POST …/upload-done on a `queued` image (else ActionNotMatchStatus). `failed` kills it. `success` without an
   * upload-prepare finds no object in the bucket: IMG.OperationFailed.UploadError, and the image stays queued.
   * Otherwise `saving` at once and `active` one step later, with the prepared size.
   */
  completeUpload(imageId: string, input: UploadDoneInput): Outcome<null> {
    const image = this.ledger.ownImage(imageId);
    if (image instanceof Rejection) return image;
    if (image.status !== 'queued') return new Rejection(IMS.actionNotMatchStatus, image.status);
    const nowMs = this.ledger.now();
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
    this.ledger.schedule(imageId, [
      { atMs: nowMs + this.ledger.stepMs, patch: { status: 'active', progress: '100', uploadId: '', size, checksum: md5Hex(`${imageId}:${size}`) } },
    ]);
    return null;
  }

  /** GET …/file: our own `active` images only; public ones are DownloadNotAllowed, others DownloadNotallowed. */
  downloadable(imageId: string): Outcome<CecstackImage> {
    const image = this.ledger.ownImage(imageId, IMS.downloadNotAllowed);
    if (image instanceof Rejection) return image;
    if (image.status !== 'active') return new Rejection(IMS.downloadNotAlive, image.status);
    return image;
  }
}
