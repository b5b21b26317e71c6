import { Body, Controller, Delete, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequiresScope } from '../callers/scopes';
import { send } from '../common/answer';
import { RequestId } from '../common/request-context';
import { ApiProblems, ApiProviderOperation, IMAGE_ID_PARAM, UPSTREAM_PROBLEMS } from '../docs/openapi';
import { ImageDto, WriteAcceptedDto } from '../images/dto/image.dto';
import { CopyImageBody, CreateImageBody, UpdateImageBody } from './dto/write.dto';
import { ImageWritesService } from './image-writes.service';
import { AnswersOnce } from '../idempotency/idempotency.interceptor';

const ACCEPTED = { type: WriteAcceptedDto, description: 'The vendor is still working: Location is the operation to poll (GET /operations/{id}), or the image when the vendor has no job' };

/** Create, change, delete and copy images at their providers. */
@ApiTags('images')
@RequiresScope('images.write')
@Controller('images')
export class ImageWritesController {
  constructor(private readonly writes: ImageWritesService) {}

  @ApiProviderOperation('createImage')
  @AnswersOnce()
  @Post()
  @ApiOperation({ summary: 'Create an image at the provider named in the body' })
  @ApiCreatedResponse({ type: ImageDto, description: 'Created; Location is the image' })
  @ApiAcceptedResponse(ACCEPTED)
  // NOT_FOUND: what the image is made from does not exist at the vendor (a DiDi snapshot outside the region).
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async create(@Body() body: CreateImageBody, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.writes.create(body, requestId));
  }

  @ApiProviderOperation('updateImage')
  @Patch(':id')
  @ApiOperation({ summary: 'Change some of an image’s fields' })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiOkResponse({ type: ImageDto, description: 'Changed' })
  @ApiAcceptedResponse(ACCEPTED)
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async update(@Param('id') id: string, @Body() body: UpdateImageBody, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.writes.update(id, body, requestId));
  }

  @ApiProviderOperation('deleteImage')
  @Delete(':id')
  @ApiOperation({ summary: 'Delete an image' })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiAcceptedResponse(ACCEPTED)
  @ApiProblems('NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async remove(@Param('id') id: string, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.writes.remove(id, requestId));
  }

  @ApiProviderOperation('copyImage')
  @AnswersOnce()
  @Post(':id/copy')
  @ApiOperation({ summary: 'Copy an image' })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiOkResponse({ type: ImageDto, description: 'Copied; Location is the new image' })
  @ApiAcceptedResponse(ACCEPTED)
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async copy(@Param('id') id: string, @Body() body: CopyImageBody, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.writes.copy(id, body, requestId));
  }
}
