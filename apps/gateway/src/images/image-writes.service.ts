import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CallContext, ExportTarget, Image, ImageDownload, ImageProvider, ImageShare, OperationName, UploadTarget, WriteResult } from '@images/core';
import { CatalogEngine } from '@images/catalog';
import { Answer, imagePath, operationPath } from '../common/answer';
import { validationFailed } from '../common/validation';
import { GatewayConfig } from '../config/gateway-config';
import { BoundOperation, ProviderRouter, budgetContext } from '../providers/provider-router';
import { CATALOG_ENGINE, GATEWAY_CONFIG, LOGGER } from '../tokens';
import { checkProviderFields } from './dto/provider-fields';
import { ImagesService } from './images.service';
import { CompleteUploadBody, CopyImageBody, CreateImageBody, ExportImageBody, PrepareUploadBody, ShareImageBody, UpdateImageBody, USER_ID } from './dto/write.dto';

/** What a finished synchronous write answers: the status, and whether the image's address goes in Location. */
interface Done {
  status: 200 | 201 | 204;
  location?: boolean;
}

/** A single byte range (`bytes=0-99`, `bytes=100-`, `bytes=-100`); anything else is ignored, as RFC 9110 allows. */
const SINGLE_RANGE = /^bytes=(\d{1,19}-\d{0,19}|-\d{1,19})$/;

/**
 * The write side (API.md section 7): route to the owning provider, call its operation inside the provider's time
 * budget, drop its cached catalog on success (read-your-writes), and shape the answer (202 with Location while
 * the vendor works; 200/201/204 when done).
 */
@Injectable()
export class ImageWritesService {
  constructor(
    private readonly router: ProviderRouter,
    private readonly images: ImagesService,
    @Inject(CATALOG_ENGINE) private readonly engine: CatalogEngine,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(body: CreateImageBody, requestId: string): Promise<Answer> {
    const provider = this.router.named(body.provider);
    const { provider: _routing, ...input } = definedFields(body);
    checkProviderFields('create', provider.id, input);
    const result = await this.write(provider, 'createImage', requestId, (createImage, ctx) => createImage({ ...input, name: body.name }, ctx));
    return writeAnswer(result, { status: 201, location: true });
  }

  async update(id: string, body: UpdateImageBody, requestId: string): Promise<Answer> {
    const owner = this.router.owner(id);
    const patch = definedFields(body);
    if (Object.keys(patch).length === 0) throw validationFailed([{ field: 'body', message: 'must change at least one field' }]);
    checkProviderFields('update', owner.provider.id, patch);
    const result = await this.write(owner.provider, 'updateImage', requestId, (updateImage, ctx) => updateImage(owner.localId, patch, ctx));
    // A vendor that answers a finished change without the image (DiDi): the caller still gets the image as it is now.
    if (!result.accepted && result.image === null) return writeAnswer({ ...result, image: await this.imageNow(id, requestId) }, { status: 200 });
    return writeAnswer(result, { status: 200 }, id);
  }

  async remove(id: string, requestId: string): Promise<Answer> {
    const owner = this.router.owner(id);
    const result = await this.write(owner.provider, 'deleteImage', requestId, (deleteImage, ctx) => deleteImage(owner.localId, ctx));
    return writeAnswer({ ...result, image: result.accepted ? result.image : null }, { status: 204 }, id);
  }

  async copy(id: string, body: CopyImageBody, requestId: string): Promise<Answer> {
    const owner = this.router.owner(id);
    const input = definedFields(body);
    checkProviderFields('copy', owner.provider.id, input);
    const result = await this.write(owner.provider, 'copyImage', requestId, (copyImage, ctx) => copyImage(owner.localId, { ...input, name: body.name }, ctx));
    return writeAnswer(result, { status: 200, location: true });
  }

  /** The object-store details are secret: `no-store`, and the idempotency layer keeps no copy of a no-store answer. */
  async prepareUpload(id: string, body: PrepareUploadBody, requestId: string): Promise<Answer<UploadTarget>> {
    const owner = this.router.owner(id);
    const target = await this.write(owner.provider, 'prepareUpload', requestId, (prepareUpload, ctx) => prepareUpload(owner.localId, { sizeBytes: body.sizeBytes }, ctx));
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: target };
  }

  async completeUpload(id: string, body: CompleteUploadBody, requestId: string): Promise<Answer> {
    const owner = this.router.owner(id);
    const input = { result: body.result, ...(body.uploadId !== undefined ? { uploadId: body.uploadId } : {}) };
    const result = await this.write(owner.provider, 'completeUpload', requestId, (completeUpload, ctx) => completeUpload(owner.localId, input, ctx));
    return writeAnswer(result, { status: 200 }, id);
  }

  /**
   * The vendor's file answer, its body unread. The budget covers the vendor's first answer only (a large
   * body takes as long as it takes); `cancel` (the caller leaving) cuts the upstream at any time.
   */
  async download(id: string, range: string | undefined, requestId: string, cancel: AbortSignal): Promise<ImageDownload> {
    const owner = this.router.owner(id);
    const downloadImage = this.router.operation(owner.provider, 'downloadImage');
    const { ctx, stopClock } = budgetContext(owner.provider.id, this.config.providerTimeoutMs, requestId, cancel);
    try {
      return await downloadImage(owner.localId, range !== undefined && SINGLE_RANGE.test(range.trim()) ? { range: range.trim() } : {}, ctx);
    } finally {
      stopClock();
    }
  }

  async listShares(id: string, requestId: string): Promise<{ shares: ImageShare[] }> {
    const owner = this.router.owner(id);
    return { shares: await this.read(owner.provider, 'listShares', requestId, (listShares, ctx) => listShares(owner.localId, ctx)) };
  }

  async share(id: string, body: ShareImageBody, requestId: string): Promise<Answer<{ shares: ImageShare[] }>> {
    const owner = this.router.owner(id);
    const shares = await this.write(owner.provider, 'shareImage', requestId, (shareImage, ctx) => shareImage(owner.localId, { userIds: body.userIds }, ctx));
    return { status: 201, headers: { location: `${imagePath(id)}/shares` }, body: { shares } };
  }

  async unshare(id: string, userId: string, requestId: string): Promise<Answer> {
    const owner = this.router.owner(id);
    if (!USER_ID.test(userId) || userId.length > 64) throw validationFailed([{ field: 'userId', message: 'must be 1–64 letters, digits, "_", ".", ":" or "-"' }]);
    await this.write(owner.provider, 'unshareImage', requestId, (unshareImage, ctx) => unshareImage(owner.localId, userId, ctx));
    return { status: 204 };
  }

  async exportTargets(id: string, requestId: string): Promise<{ targets: ExportTarget[] }> {
    const owner = this.router.owner(id);
    return { targets: await this.read(owner.provider, 'listExportTargets', requestId, (listExportTargets, ctx) => listExportTargets(owner.localId, ctx)) };
  }

  async exportImage(id: string, body: ExportImageBody, requestId: string): Promise<Answer> {
    const owner = this.router.owner(id);
    const bucket = { name: body.bucket.name, azId: body.bucket.azId, cellId: body.bucket.cellId };
    const result = await this.write(owner.provider, 'exportImage', requestId, (exportImage, ctx) => exportImage(owner.localId, { bucket }, ctx));
    return writeAnswer(result, { status: 200 }, id);
  }

  /** The image after a write (its catalog is already invalidated); null when it cannot be read now: the write stands anyway. */
  private async imageNow(id: string, requestId: string): Promise<Image | null> {
    try {
      return await this.images.get(id, requestId);
    } catch (error) {
      this.logger.info({ id, code: (error as { code?: string }).code }, 'the image could not be read back after a write');
      return null;
    }
  }

  /** A write: on success the provider's cached catalog is dropped (every replica's) before the caller hears back. */
  private async write<K extends OperationName, R>(provider: ImageProvider, name: K, requestId: string, invoke: (operation: BoundOperation<K>, ctx: CallContext) => Promise<R>): Promise<R> {
    const result = await this.read(provider, name, requestId, invoke);
    try {
      await this.engine.invalidate(provider.id);
    } catch (error) {
      // The write happened; a cache that cannot be reached ages out by its TTL instead.
      this.logger.warn({ provider: provider.id, err: (error as Error).message }, 'could not invalidate the catalog after a write');
    }
    return result;
  }

  /** One provider operation inside the provider time budget; 501 when the provider has none. */
  private async read<K extends OperationName, R>(provider: ImageProvider, name: K, requestId: string, invoke: (operation: BoundOperation<K>, ctx: CallContext) => Promise<R>): Promise<R> {
    const operation = this.router.operation(provider, name);
    const { ctx, stopClock } = budgetContext(provider.id, this.config.providerTimeoutMs, requestId);
    try {
      return await invoke(operation, ctx);
    } finally {
      stopClock();
    }
  }
}

/**
 * 202 with Location while the vendor works: the operation to poll, else the image (the one answered, else `subject`,
 * the image the write was on); otherwise the finished answer.
 */
export function writeAnswer(result: WriteResult, done: Done, subject?: string): Answer {
  if (result.accepted) {
    const imageId = result.image?.id ?? subject;
    const location = result.operation ? operationPath(result.operation.id) : imageId !== undefined ? imagePath(imageId) : undefined;
    return { status: 202, headers: location ? { location } : {}, body: { image: result.image, operation: result.operation } };
  }
  if (done.status === 204 || result.image === null) return { status: 204 };
  return { status: done.status, headers: done.location ? { location: imagePath(result.image.id) } : {}, body: result.image };
}

/** The fields a caller sent (class-transformer leaves absent ones undefined). */
function definedFields<T extends object>(body: T): Partial<T> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Partial<T>;
}
