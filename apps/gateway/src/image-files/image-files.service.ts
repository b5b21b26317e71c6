import { Injectable } from '@nestjs/common';
import { ImageDownload, UploadTarget } from '@images/core';
import { ProviderCalls } from '../catalog/provider-calls';
import { Answer, writeAnswer } from '../common/answer';
import { ProviderDirectory } from '../providers/provider-directory';
import { CompleteUploadBody, PrepareUploadBody } from './dto/files.dto';

/** A single byte range (`bytes=0-99`, `bytes=100-`, `bytes=-100`); anything else is ignored, as RFC 9110 allows. */
const SINGLE_RANGE = /^bytes=(\d{1,19}-\d{0,19}|-\d{1,19})$/;

/** An image's file: the upload hand-over (the bytes go straight to the vendor's object store) and the download. */
@Injectable()
export class ImageFilesService {
  constructor(
    private readonly directory: ProviderDirectory,
    private readonly calls: ProviderCalls,
  ) {}

  /** The object-store details are secret: `no-store`, and the idempotency layer keeps no copy of a no-store answer. */
  async prepareUpload(id: string, body: PrepareUploadBody, requestId: string): Promise<Answer<UploadTarget>> {
    const owner = this.directory.owner(id);
    const target = await this.calls.write(owner.provider, 'prepareUpload', requestId, (prepareUpload, ctx) => prepareUpload(owner.localId, { sizeBytes: body.sizeBytes }, ctx));
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: target };
  }

  async completeUpload(id: string, body: CompleteUploadBody, requestId: string): Promise<Answer> {
    const owner = this.directory.owner(id);
    const input = { result: body.result, ...(body.uploadId !== undefined ? { uploadId: body.uploadId } : {}) };
    const result = await this.calls.write(owner.provider, 'completeUpload', requestId, (completeUpload, ctx) => completeUpload(owner.localId, input, ctx));
    return writeAnswer(result, { status: 200 }, id);
  }

  /**
   * The vendor's file answer, its body unread. The budget covers the vendor's first answer only (a large
   * body takes as long as it takes); `cancel` (the caller leaving) cuts the upstream at any time.
   */
  download(id: string, range: string | undefined, requestId: string, cancel: AbortSignal): Promise<ImageDownload> {
    const owner = this.directory.owner(id);
    const input = range !== undefined && SINGLE_RANGE.test(range.trim()) ? { range: range.trim() } : {};
    return this.calls.read(owner.provider, 'downloadImage', requestId, (downloadImage, ctx) => downloadImage(owner.localId, input, ctx), cancel);
  }
}
