import { Readable } from 'node:stream';
import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiPartialContentResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ImageDownload } from '@images/core';
import { trackerOf } from '../callers/caller';
import { RequiresScope } from '../callers/scopes';
import { send } from '../common/answer';
import { RequestId, callerGone } from '../common/request-context';
import { GatewayConfig } from '../config/gateway-config';
import { ApiProblems, ApiProviderOperation, IMAGE_ID_PARAM, UPSTREAM_PROBLEMS } from '../docs/openapi';
import { ImageDto, UploadTargetDto, WriteAcceptedDto } from '../images/dto/image.dto';
import { ChunkReclaimer } from './chunk-reclaimer';
import { DownloadSlots } from './download-slots';
import { CompleteUploadBody, PrepareUploadBody } from './dto/files.dto';
import { ImageFilesService } from './image-files.service';
import { RelayOptions, watchForStall } from './stall-watch';
import { AnswersOnce } from '../idempotency/idempotency.interceptor';

/** The vendor's file headers a caller needs (length, ranges, validators); type and name are the gateway's. */
const FILE_HEADERS = ['content-length', 'content-range', 'accept-ranges', 'etag', 'last-modified'] as const;

/** An image's file: the upload hand-over (the bytes go straight to the vendor's object store) and the download. */
@ApiTags('images')
@RequiresScope('images.files')
@Controller('images')
export class ImageFilesController {
  constructor(
    private readonly files: ImageFilesService,
    private readonly slots: DownloadSlots,
    private readonly config: GatewayConfig,
    private readonly reclaimer: ChunkReclaimer,
  ) {}

  @ApiProviderOperation('prepareUpload')
  @AnswersOnce()
  @Post(':id/upload')
  @ApiOperation({ summary: 'Where to put the image file: the object-store bucket, object name and temporary credentials. Answered with Cache-Control: no-store; never logged or cached' })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiOkResponse({ type: UploadTargetDto, description: "The vendor's upload details, plus more vendor fields (credentials) as the vendor names them" })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async prepareUpload(@Param('id') id: string, @Body() body: PrepareUploadBody, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.files.prepareUpload(id, body, requestId));
  }

  @ApiProviderOperation('completeUpload')
  @AnswersOnce()
  @Post(':id/upload/complete')
  @ApiOperation({ summary: 'Tell the provider the upload to the object store has finished (or failed); the image then becomes available' })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiOkResponse({ type: ImageDto })
  @ApiAcceptedResponse({ type: WriteAcceptedDto, description: 'The vendor is importing the file: poll GET /images/{id} (the Location)' })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async completeUpload(@Param('id') id: string, @Body() body: CompleteUploadBody, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.files.completeUpload(id, body, requestId));
  }

  @ApiProviderOperation('downloadImage')
  @Get(':id/file')
  @ApiOperation({ summary: "The image file, streamed from the vendor as it arrives (never held whole); Range is passed to the vendor" })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiHeader({ name: 'Range', required: false, description: 'One byte range, e.g. bytes=0-1048575' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'The whole file' })
  @ApiPartialContentResponse({ schema: { type: 'string', format: 'binary' }, description: 'The range asked for (Content-Range says which)' })
  @ApiProblems('NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async download(@Param('id') id: string, @Headers('range') range: string | undefined, @RequestId() requestId: string, @Res() reply: FastifyReply) {
    const release = this.slots.take(trackerOf(reply.request));
    let download: ImageDownload;
    try {
      download = await this.files.download(id, range, requestId, callerGone(reply));
    } catch (error) {
      release();
      throw error;
    }
    return sendFile(reply, download, id, { stallMs: this.config.limits.downloadStallMs, onClose: release, onRelayed: (bytes) => this.reclaimer.relayed(bytes) });
  }
}

/**
 * Fastify pipes the vendor's stream with backpressure and destroys it if the caller leaves; a caller that stops
 * reading is cut after DOWNLOAD_STALL_MS. Always an attachment of opaque bytes, whatever the vendor says it is (a
 * browser must never render it). A HEAD gets the headers only, without reading the body.
 */
function sendFile(reply: FastifyReply, download: ImageDownload, id: string, transfer: RelayOptions): FastifyReply {
  reply.status(download.status);
  reply.header('content-type', 'application/octet-stream');
  reply.header('content-disposition', `attachment; filename="${fileNameOf(download.headers['content-disposition'], id)}"`);
  for (const name of FILE_HEADERS) {
    const value = download.headers[name];
    if (value !== undefined && value !== '') reply.header(name, value);
  }
  if (reply.request.method === 'HEAD') {
    // Fastify drains a HEAD's stream payload (the whole file) and zeroes Content-Length for none: an empty one keeps both right.
    download.body.destroy();
    transfer.onClose();
    return reply.send(Readable.from([]));
  }
  return reply.send(watchForStall(download.body, reply.raw, transfer));
}

/** The vendor's file name when it gives one, else the image id; only characters safe in a quoted header value. */
function fileNameOf(vendorDisposition: string | undefined, id: string): string {
  const vendorName = vendorDisposition ? /filename="?([^";]+)"?/i.exec(vendorDisposition)?.[1] : undefined;
  return (vendorName ?? id).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128);
}
