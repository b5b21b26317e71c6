import { CecstackCatalog, CecstackImage } from '../catalogs/cecstack';
import { ACCOUNT_BUCKET, ExportLog } from './exports';
import { ImageFiles } from './files';
import { ImageWrites } from './images';
import { ImageLedger } from './ledger';
import { ShareGrants } from './shares';

// The account's mutable IMS state, one object per concern over one ledger of image records (ledger.ts).

export { OWN_IDS, OWN_TENANT_ID, PRIVATE_IMAGE_QUOTA } from './ledger';
export type { CecstackExportRecord } from './exports';
export type { CecstackUploadTarget } from './files';
export type { CecstackShareGrant } from './shares';

export class CecstackState {
  readonly catalog: CecstackCatalog;
  readonly images: ImageWrites;
  readonly shares: ShareGrants;
  readonly files: ImageFiles;
  readonly exports: ExportLog;
  private readonly ledger: ImageLedger;

  constructor(options: { stepMs: number; regionId: string; privateImages?: number; now?: () => number }) {
    this.ledger = new ImageLedger(options);
    this.catalog = this.ledger.catalog;
    this.shares = new ShareGrants(this.ledger);
    this.files = new ImageFiles(this.ledger, { regionId: options.regionId, bucket: ACCOUNT_BUCKET });
    this.exports = new ExportLog(this.ledger);
    this.images = new ImageWrites(this.ledger, this.shares, this.files);
  }

  /** Applies every step that has come due. Called before each request and each admin view. */
  settle(): void {
    this.ledger.settle();
  }

  /** GET images/{id}: our own record first (it carries our edits), then the public listing, then a share. */
  detail(imageId: string): CecstackImage | undefined {
    return this.ledger.detail(imageId);
  }
}
