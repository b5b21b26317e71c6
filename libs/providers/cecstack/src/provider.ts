import {
  CallContext, Capability, CopyImageInput, CreateImageInput, ExportTarget, FieldError, GatewayError, Image, ImageDownload, ImagePatch, ImageProvider,
  ImageShare, UploadTarget, WriteResult, asString, fingerprint, isRecord, providerRedactor,
} from '@images/core';
import { UpstreamDeps, UpstreamHttp } from '@images/http';
import { CecstackAuth, CecstackBearerAuth } from './auth';
import { CecstackClient, CecstackItem } from './client';
import { CECSTACK_PROVIDER_ID, CecstackConfig, cecstackSecrets } from './config';
import { mapCecstackImage, mapCecstackSharedImage } from './mapper';
import {
  CecstackAccount, CecstackPatch, copyImageBody, createImageBody, createInputErrors, exportBody, findShareOf, importImageBody, mapCecstackShare,
  mapExportTarget, mapUploadTarget, shareInputErrors, sharesBody, updateImageBody, updatePatchErrors,
} from './requests';

export interface CecstackProviderOptions {
  /** Replaces the default bearer token (the vendor's signing scheme is not public). */
  auth?: CecstackAuth;
}

/** Headers of a file answer handed to the caller (ImageDownload). */
const DOWNLOAD_HEADERS = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'content-disposition', 'etag', 'last-modified'];

/** Where an image sits for this account: its own record, or a share to it (shareId), or neither. */
interface Whereabouts {
  own: boolean;
  share: CecstackItem | null;
}

/** The union of the images an account sees in one CECSTACK region (public, its own, and shared with it), and the IMS writes. */
export class CecstackProvider implements ImageProvider {
  readonly id: string;
  readonly displayName = 'CECSTACK IMS';
  readonly capabilities: readonly Capability[];
  readonly accountScope: string;
  private readonly client: CecstackClient;
  /**
   * Create and copy act for a tenant and department (CECSTACK_TENANT_ID, CECSTACK_DEPARTMENT_ID): without both the
   * provider has neither operation, so the gateway answers 501 and GET /providers does not list them.
   */
  readonly createImage?: (input: CreateImageInput, ctx: CallContext) => Promise<WriteResult>;
  readonly copyImage?: (providerImageId: string, input: CopyImageInput, ctx: CallContext) => Promise<WriteResult>;

  constructor(
    private readonly config: CecstackConfig,
    private readonly deps: UpstreamDeps,
    options: CecstackProviderOptions = {},
  ) {
    this.id = deps.providerId ?? CECSTACK_PROVIDER_ID;
    this.accountScope = fingerprint(config.endpoint, config.token, config.regionId);
    const concurrency = Math.max(1, deps.maxConcurrentRequests);
    const http = UpstreamHttp.forProvider(this.id, config.endpoint, deps);
    const auth = options.auth ?? new CecstackBearerAuth(config.token);
    this.client = new CecstackClient(http, auth, { regionId: config.regionId, concurrency, redactor: providerRedactor(deps, cecstackSecrets(config)) });
    const account: CecstackAccount | null = config.tenantId && config.departmentId
      ? { tenantId: config.tenantId, departmentId: config.departmentId, resourceGroupId: config.resourceGroupId, regionId: config.regionId }
      : null;
    if (account) {
      this.createImage = (input, ctx) => this.create(account, input, ctx);
      this.copyImage = (providerImageId, input, ctx) => this.copy(account, providerImageId, input, ctx);
    }
    this.capabilities = ['list', 'get', ...(account ? (['create', 'copy'] as const) : []), 'update', 'delete', 'upload', 'download', 'share', 'export'];
  }

  async listCatalog(ctx: CallContext): Promise<Image[]> {
    const lists = await this.client.listCatalogLists(ctx);
    const context = { regionId: this.config.regionId, provider: this.id };
    // Precedence on duplicates: the account's own record, then the share, then the public listing.
    const candidates: Array<Image | null> = [
      ...lists.private.map((item) => mapCecstackImage(item, { ...context, list: 'private' })),
      ...lists.shared.map((item) => mapCecstackSharedImage(item, context)),
      ...lists.public.map((item) => mapCecstackImage(item, { ...context, list: 'public' })),
    ];
    const byId = new Map<string, Image>();
    for (const image of candidates) {
      if (image !== null && !byId.has(image.providerImageId)) byId.set(image.providerImageId, image);
    }
    const skipped = candidates.filter((image) => image === null).length;
    if (skipped > 0) this.deps.logger.warn({ provider: this.id, skipped }, 'images without an imageId were skipped');
    return [...byId.values()];
  }

  /**
   * The detail call, mapped as the catalog maps the same image. The detail of an image shared with this account is the
   * owner's record (visibility private), so a non-public image is looked up as listCatalog ranks it: own record first, then a share.
   */
  async getImage(providerImageId: string, ctx: CallContext): Promise<Image | null> {
    const record = await this.client.getImage(providerImageId, ctx);
    if (record === null) return null;
    const visibility = asString(record.visibility)?.toLowerCase();
    // Only private images are shared (sections 1.13–1.16): a public or market record is the catalog's as is.
    if (visibility === 'public' || visibility === 'market') return this.mapRecord(record, undefined);
    const where = await this.whereabouts(providerImageId, ctx, asString(record.owner));
    if (!where.own && where.share) return this.mapShared(where.share, record);
    return this.mapRecord(record, where.own ? 'private' : undefined);
  }

  /** Without `fromUrl`: the metadata record an upload fills (POST private-images); with it: the import. Vendor work in progress. */
  private async create(account: CecstackAccount, input: CreateImageInput, ctx: CallContext): Promise<WriteResult> {
    this.refuse(createInputErrors(input));
    const record = input.fromUrl !== undefined
      ? await this.client.importImage(importImageBody(input, account), ctx)
      : await this.client.createImage(createImageBody(input, account), ctx);
    return { image: record ? this.mapRecord(record, 'private') : null, operation: null, accepted: true };
  }

  /** The PUT takes the whole record: the current one read by the detail call, the patch merged in; its two rules checked first. */
  async updateImage(providerImageId: string, patch: ImagePatch, ctx: CallContext): Promise<WriteResult> {
    const current = await this.client.getImage(providerImageId, ctx);
    if (current === null) throw this.notFound(providerImageId);
    const cecstackPatch: CecstackPatch = patch;
    this.refuse(updatePatchErrors(current, cecstackPatch));
    const body = updateImageBody(current, cecstackPatch);
    await this.client.updateImage(providerImageId, body, ctx);
    // The PUT answers no data, and the vendor may ignore a field (its table has no description): the image is read back.
    // Should that read fail, the update still stands, and the answer is the record as sent.
    const updated = await this.client.getImage(providerImageId, ctx).catch(() => null);
    const { instruction, ...sent } = body;
    return { image: this.mapRecord(updated ?? { ...current, ...sent, instructions: instruction }, 'private'), operation: null, accepted: false };
  }

  /** The account's own image is deleted; an image shared with it is dropped from it (its share deleted). */
  async deleteImage(providerImageId: string, ctx: CallContext): Promise<WriteResult> {
    const where = await this.whereabouts(providerImageId, ctx);
    const shareId = where.share ? asString(where.share.shareId) : null;
    if (!where.own && shareId !== null) await this.client.deleteShare(shareId, ctx);
    // Neither own nor shared: the vendor says what it is (no such image, or not this account's).
    else await this.client.deleteImage(providerImageId, ctx);
    return { image: null, operation: null, accepted: false };
  }

  /** Copies an image shared with this account into it (the vendor's only copy). */
  private async copy(account: CecstackAccount, providerImageId: string, input: CopyImageInput, ctx: CallContext): Promise<WriteResult> {
    const share = findShareOf(await this.client.listAll('shared', ctx), providerImageId);
    const shareId = share ? asString(share.shareId) : null;
    if (shareId === null) {
      if ((await this.client.getImage(providerImageId, ctx)) === null) throw this.notFound(providerImageId);
      throw new GatewayError('CONFLICT', { provider: this.id, detail: `cecstack copies only images shared with this account, and ${providerImageId} is not` });
    }
    const record = await this.client.copyShare(shareId, copyImageBody(input, account), ctx);
    return { image: record ? this.mapRecord(record, 'private') : null, operation: null, accepted: true };
  }

  /** The object-storage details to upload the file to. They are credentials: handed to the caller, never logged. */
  async prepareUpload(providerImageId: string, input: { sizeBytes: number }, ctx: CallContext): Promise<UploadTarget> {
    return mapUploadTarget(await this.client.uploadPrepare(providerImageId, input.sizeBytes, ctx));
  }

  /** Tells the vendor the upload's result; on success it moves the file into its store (work in progress). */
  async completeUpload(providerImageId: string, input: { result: 'success' | 'failed'; uploadId?: string }, ctx: CallContext): Promise<WriteResult> {
    await this.client.uploadDone(providerImageId, { result: input.result, ...(input.uploadId !== undefined ? { uploadId: input.uploadId } : {}) }, ctx);
    return { image: null, operation: null, accepted: input.result === 'success' };
  }

  async downloadImage(providerImageId: string, input: { range?: string }, ctx: CallContext): Promise<ImageDownload> {
    const answer = await this.client.downloadFile(providerImageId, input.range, ctx);
    const headers = Object.fromEntries(DOWNLOAD_HEADERS.filter((name) => answer.headers[name] !== undefined).map((name) => [name, answer.headers[name]]));
    return { status: answer.status === 206 ? 206 : 200, headers, body: answer.body };
  }

  async listShares(providerImageId: string, ctx: CallContext): Promise<ImageShare[]> {
    return (await this.client.listShares(providerImageId, ctx)).map(mapCecstackShare).filter((share): share is ImageShare => share !== null);
  }

  /** Shares with 1–50 users; answers their shares as the vendor lists them afterwards (it returns none itself). */
  async shareImage(providerImageId: string, input: { userIds: string[] }, ctx: CallContext): Promise<ImageShare[]> {
    this.refuse(shareInputErrors(input.userIds));
    await this.client.share(providerImageId, sharesBody(input.userIds), ctx);
    const listed = await this.listShares(providerImageId, ctx).catch(() => [] as ImageShare[]);
    // The share is done even when the list cannot be read now: the caller still learns who it went to.
    return input.userIds.map((userId) => listed.find((share) => share.userId === userId) ?? { userId, shareId: null, status: null, createdAt: null });
  }

  async unshareImage(providerImageId: string, userId: string, ctx: CallContext): Promise<void> {
    this.refuse(shareInputErrors([userId]));
    await this.client.unshare(providerImageId, sharesBody([userId]), ctx);
  }

  async listExportTargets(providerImageId: string, ctx: CallContext): Promise<ExportTarget[]> {
    return (await this.client.ossBucketList(providerImageId, ctx)).map(mapExportTarget).filter((target): target is ExportTarget => target !== null);
  }

  /** Exports into a bucket of oss-bucket-list; the vendor works on it after answering. */
  async exportImage(providerImageId: string, input: { bucket: ExportTarget }, ctx: CallContext): Promise<WriteResult> {
    await this.client.exportImage(providerImageId, exportBody(input.bucket), ctx);
    return { image: null, operation: null, accepted: true };
  }

  /**
   * As listCatalog ranks an image: the account's own record first, then a share to it. The detail's `owner` against
   * CECSTACK_TENANT_ID settles ownership without a lookup; otherwise the private list (filtered by id) says.
   */
  private async whereabouts(providerImageId: string, ctx: CallContext, owner: string | null = null): Promise<Whereabouts> {
    const tenantId = this.config.tenantId;
    if (tenantId && owner !== null && owner === tenantId) return { own: true, share: null };
    const [own, shares] = await Promise.all([
      tenantId && owner !== null ? Promise.resolve(false) : this.client.findOwnImage(providerImageId, ctx).then((record) => record !== null),
      this.client.listAll('shared', ctx),
    ]);
    return { own, share: findShareOf(shares, providerImageId) ?? null };
  }

  private mapRecord(record: CecstackItem, list: 'private' | undefined): Image | null {
    return mapCecstackImage(record, { regionId: this.config.regionId, provider: this.id, ...(list ? { list } : {}) });
  }

  /** The share record with the detail's fuller image in place of the nested one. */
  private mapShared(share: CecstackItem, record: CecstackItem): Image | null {
    const nested = isRecord(share.image) ? share.image : {};
    return mapCecstackSharedImage({ ...share, image: { ...nested, ...record } }, { regionId: this.config.regionId, provider: this.id });
  }

  /** Input the vendor would refuse is refused before any write is sent. */
  private refuse(errors: FieldError[]): void {
    if (errors.length > 0) throw new GatewayError('VALIDATION_FAILED', { provider: this.id, errors, detail: errors.map((e) => `${e.field} ${e.message}`).join('; ') });
  }

  private notFound(providerImageId: string): GatewayError {
    return new GatewayError('NOT_FOUND', { provider: this.id, detail: `cecstack has no image ${providerImageId}` });
  }
}
