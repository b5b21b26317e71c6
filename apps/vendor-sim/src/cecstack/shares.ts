import { CECSTACK_DOC_SHARE_USER } from '../fixtures/cecstack-examples';
import { ALNUM_LOWER, ImageLedger, randomFrom } from './ledger';
import { IMS, Outcome, Rejection } from './rejection';

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

/** Our images' shares to other users: share, unshare, the share list. */
export class ShareGrants {
  /** Our images' shares by image id, oldest first. */
  private readonly grants = new Map<string, CecstackShareGrant[]>();
  private lastShareRowId = 0;

  constructor(private readonly ledger: ImageLedger) {}

  grantsOf(imageId: string): Outcome<CecstackShareGrant[]> {
    const image = this.ledger.ownImage(imageId);
    if (image instanceof Rejection) return image;
    return [...(this.grants.get(imageId) ?? [])];
  }

  /** Image ids with at least one share, and to whom; for the admin view. */
  shareTable(): Record<string, string[]> {
    return Object.fromEntries([...this.grants].map(([imageId, grants]) => [imageId, grants.map((grant) => grant.userId)]));
  }

  isShared(imageId: string): boolean {
    return (this.grants.get(imageId) ?? []).length > 0;
  }

  /** Drops a deleted image's shares. */
  forget(imageId: string): void {
    this.grants.delete(imageId);
  }

  /** POST …/share: an `active` image of ours (a public one cannot be shared: ActionNotMatch), no user twice. */
  share(imageId: string, userIds: readonly string[]): Outcome<null> {
    const image = this.ledger.ownImage(imageId, IMS.actionNotMatch);
    if (image instanceof Rejection) return image;
    if (image.status !== 'active') return new Rejection(IMS.actionNotMatchStatus, image.status);
    const grants = this.grants.get(imageId) ?? [];
    const already = userIds.find((userId) => grants.some((grant) => grant.userId === userId));
    if (already !== undefined) return new Rejection(IMS.alreadyShared, already);
    const nowMs = this.ledger.now();
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
    const image = this.ledger.ownImage(imageId);
    if (image instanceof Rejection) return image;
    const grants = this.grants.get(imageId) ?? [];
    const missing = userIds.find((userId) => !grants.some((grant) => grant.userId === userId));
    if (missing !== undefined) return new Rejection(IMS.notShared, missing);
    const left = grants.filter((grant) => !userIds.includes(grant.userId));
    if (left.length === 0) this.grants.delete(imageId);
    else this.grants.set(imageId, left);
    return null;
  }
}
