import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Image } from '@images/core';
import { ProviderCalls } from '../catalog/provider-calls';
import { Answer, definedFields, writeAnswer } from '../common/answer';
import { validationFailed } from '../common/validation';
import { LOGGER } from '../config/config.module';
import { ImagesService } from '../images/images.service';
import { ProviderDirectory } from '../providers/provider-directory';
import { CopyImageBody, CreateImageBody, UpdateImageBody } from './dto/write.dto';

/**
 * Create, change, delete and copy images (API.md section 7): route to the owning provider, check what that vendor
 * takes, call it inside its time budget (the catalog invalidated on success), and shape the answer (202 with Location
 * while the vendor works; 200/201/204 when done).
 */
@Injectable()
export class ImageWritesService {
  constructor(
    private readonly directory: ProviderDirectory,
    private readonly calls: ProviderCalls,
    private readonly images: ImagesService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(body: CreateImageBody, requestId: string): Promise<Answer> {
    const provider = this.directory.named(body.provider);
    const { provider: _routing, ...input } = definedFields(body);
    this.directory.checkWriteFields('create', provider.id, input);
    const result = await this.calls.write(provider, 'createImage', requestId, (createImage, ctx) => createImage({ ...input, name: body.name }, ctx));
    return writeAnswer(result, { status: 201, location: true });
  }

  async update(id: string, body: UpdateImageBody, requestId: string): Promise<Answer> {
    const owner = this.directory.owner(id);
    const patch = definedFields(body);
    if (Object.keys(patch).length === 0) throw validationFailed([{ field: 'body', message: 'must change at least one field' }]);
    this.directory.checkWriteFields('update', owner.provider.id, patch);
    const result = await this.calls.write(owner.provider, 'updateImage', requestId, (updateImage, ctx) => updateImage(owner.localId, patch, ctx));
    // A vendor that answers a finished change without the image: the caller still gets the image as it is now.
    if (!result.accepted && result.image === null) return writeAnswer({ ...result, image: await this.imageNow(id, requestId) }, { status: 200 });
    return writeAnswer(result, { status: 200 }, id);
  }

  async remove(id: string, requestId: string): Promise<Answer> {
    const owner = this.directory.owner(id);
    const result = await this.calls.write(owner.provider, 'deleteImage', requestId, (deleteImage, ctx) => deleteImage(owner.localId, ctx));
    return writeAnswer({ ...result, image: result.accepted ? result.image : null }, { status: 204 }, id);
  }

  async copy(id: string, body: CopyImageBody, requestId: string): Promise<Answer> {
    const owner = this.directory.owner(id);
    const input = definedFields(body);
    this.directory.checkWriteFields('copy', owner.provider.id, input);
    const result = await this.calls.write(owner.provider, 'copyImage', requestId, (copyImage, ctx) => copyImage(owner.localId, { ...input, name: body.name }, ctx));
    return writeAnswer(result, { status: 200, location: true });
  }

  /** The image after a write (its catalog is already invalidated); null when it cannot be read now: the write stands anyway. */
  private async imageNow(id: string, requestId: string): Promise<Image | null> {
    try {
      return (await this.images.get(id, requestId)).image;
    } catch (error) {
      this.logger.info({ id, code: (error as { code?: string }).code }, 'the image could not be read back after a write');
      return null;
    }
  }
}
