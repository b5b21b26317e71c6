import { createHash, randomInt } from 'node:crypto';
import { CecstackCatalog, CecstackImage, buildCecstackCatalog, formatBeijingTime } from '../catalogs/cecstack';
import { CECSTACK_DOC_TENANT } from '../fixtures/cecstack-examples';
import { IMS, ImsCode, Outcome, Rejection } from './rejection';

// The account's image records over the seeded catalog, which images.ts, shares.ts, files.ts and exports.ts all
// work on. Timed work (an import, an upload being saved, a copy) is a list of dated steps per image, applied when
// anything next reads the state: no timers to leak or cancel, and a step's `updatedAt` is the moment it was due,
// however late it is observed.

/** Private images an account may hold; one more create, import or copy is IMG.OperationDenied.QuotaNotEnough. */
export const PRIVATE_IMAGE_QUOTA = 200;

/** The account the simulator serves: the tenant of the doc's private-list example. */
export const OWN_TENANT_ID = CECSTACK_DOC_TENANT.owner;
/**
 * Sharing to our own tenant is IMG.OperationFailed.InvalidUserId. The doc's share example user (lptest) stays a
 * valid target: the doc's own share call (1.13.7) shares to it.
 */
export const OWN_IDS: readonly string[] = [OWN_TENANT_ID];

export type NewImageFields = Omit<CecstackImage, 'createdAt' | 'updatedAt' | 'id' | 'imageId'>;

export interface Step {
  atMs: number;
  patch: Partial<CecstackImage>;
}

export const ALNUM_LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const ALNUM_MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

export class ImageLedger {
  readonly catalog: CecstackCatalog;
  readonly stepMs: number;
  private readonly pendingSteps = new Map<string, Step[]>();
  private lastImageRowId: number;

  constructor(private readonly options: { stepMs: number; privateImages?: number; now?: () => number }) {
    this.catalog = buildCecstackCatalog(options.privateImages);
    const all = [...this.catalog.publicImages, ...this.catalog.privateImages, ...this.catalog.sharedImages.map((share) => share.image)];
    this.lastImageRowId = Math.max(...all.map((image) => image.id));
    this.stepMs = options.stepMs;
  }

  now(): number {
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

  schedule(imageId: string, steps: Step[]): void {
    this.pendingSteps.set(imageId, steps);
  }

  // ---- lookups

  /** Every record of one of our images: its private-list row and, for a published one, its public row. */
  recordsOf(imageId: string): CecstackImage[] {
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
  ownImage(imageId: string, publicCode?: ImsCode): Outcome<CecstackImage> {
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

  // ---- adding and removing rows

  checkQuota(): Rejection | null {
    return this.catalog.privateImages.length >= PRIVATE_IMAGE_QUOTA ? new Rejection(IMS.quotaNotEnough, `${PRIVATE_IMAGE_QUOTA} private images`) : null;
  }

  private newImageId(): string {
    for (;;) {
      const imageId = `img-${randomFrom(ALNUM_LOWER, 14)}`;
      if (this.detail(imageId) === undefined) return imageId;
    }
  }

  /** A new row of our private list, newest first as the list is served. */
  addImage(fields: NewImageFields, nowMs: number): CecstackImage {
    const stamp = formatBeijingTime(nowMs);
    const image: CecstackImage = { createdAt: stamp, updatedAt: stamp, id: ++this.lastImageRowId, imageId: this.newImageId(), ...fields };
    this.catalog.privateImages.unshift(image);
    return image;
  }

  /** Takes one of our images off the private list, with any timed work still pending on it. */
  removeImage(image: CecstackImage): void {
    this.catalog.privateImages.splice(this.catalog.privateImages.indexOf(image), 1);
    this.pendingSteps.delete(image.imageId);
  }
}
