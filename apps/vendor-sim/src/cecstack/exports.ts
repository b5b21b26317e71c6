import { CECSTACK_DOC_BUCKETS, CECSTACK_DOC_EXPORT_REQUEST } from '../fixtures/cecstack-examples';
import { ImageLedger } from './ledger';
import { IMS, Outcome, Rejection } from './rejection';
import { OssBucket } from './requests';

/** The account's image bucket, as upload-prepare and oss-bucket-list name it: the one the doc's export example writes to. */
export const ACCOUNT_BUCKET = CECSTACK_DOC_EXPORT_REQUEST.bucket.name;

export interface CecstackExportRecord {
  imageId: string;
  bucket: OssBucket;
  createdAt: string;
}

/** Exports of our images to object storage: the bucket list and the exports made. */
export class ExportLog {
  readonly buckets: readonly OssBucket[];
  private readonly exportRecords: CecstackExportRecord[] = [];

  constructor(private readonly ledger: ImageLedger) {
    // The account bucket, as the doc's export example (1.20) addresses it, then the doc's example targets (1.19).
    this.buckets = [{ ...CECSTACK_DOC_EXPORT_REQUEST.bucket }, ...CECSTACK_DOC_BUCKETS.map((bucket) => ({ ...bucket }))];
  }

  /** The exports made so far; for the admin view. */
  records(): CecstackExportRecord[] {
    return this.exportRecords.map((record) => ({ ...record, bucket: { ...record.bucket } }));
  }

  bucketsFor(imageId: string): Outcome<OssBucket[]> {
    const image = this.ledger.ownImage(imageId);
    if (image instanceof Rejection) return image;
    return this.buckets.map((bucket) => ({ ...bucket }));
  }

  /** POST custom-images/{id}/export: an `active` image of ours, to one of the buckets oss-bucket-list names. */
  exportImage(imageId: string, bucket: OssBucket): Outcome<null> {
    const image = this.ledger.ownImage(imageId);
    if (image instanceof Rejection) return image;
    if (image.status !== 'active') return new Rejection(IMS.actionNotMatchStatus, image.status);
    // An unknown bucket has no code of its own in the doc: it is a bad parameter.
    const known = this.buckets.some((candidate) => candidate.name === bucket.name && candidate.azId === bucket.azId && candidate.cellId === bucket.cellId);
    if (!known) return new Rejection(IMS.invalidParameter, `bucket ${bucket.name}`);
    this.exportRecords.push({ imageId, bucket: { ...bucket }, createdAt: new Date(this.ledger.now()).toISOString() });
    return null;
  }
}
