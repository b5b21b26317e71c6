import { Body, Controller, Delete, Get, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ExportTarget, ImageShare } from '@images/core';
import { RequiresScope } from '../callers/scopes';
import { send } from '../common/answer';
import { RequestId } from '../common/request-context';
import { ApiProblems, ApiProviderOperation, IMAGE_ID_PARAM, UPSTREAM_PROBLEMS } from '../docs/openapi';
import { ExportTargetListDto, ImageDto, ImageShareListDto, WriteAcceptedDto } from '../images/dto/image.dto';
import { ExportImageBody, ShareImageBody } from './dto/shares.dto';
import { ImageSharesService } from './image-shares.service';
import { AnswersOnce } from '../idempotency/idempotency.interceptor';


/** Who else may use an image (shares), and where it can be exported to. */
@ApiTags('images')
@RequiresScope('images.write')
@Controller('images')
export class ImageSharesController {
  constructor(private readonly shares: ImageSharesService) {}

  @RequiresScope('images.read')
  @ApiProviderOperation('listShares')
  @Get(':id/shares')
  @ApiOperation({ summary: 'The users an own image is shared with' })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiOkResponse({ type: ImageShareListDto })
  @ApiProblems('NOT_FOUND', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  listShares(@Param('id') id: string, @RequestId() requestId: string): Promise<{ shares: ImageShare[] }> {
    return this.shares.listShares(id, requestId);
  }

  @ApiProviderOperation('shareImage')
  @AnswersOnce()
  @Post(':id/shares')
  @ApiOperation({ summary: 'Share an own image with up to 50 users at once' })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiCreatedResponse({ type: ImageShareListDto, description: 'Shared; the body lists the shares as the vendor reports them, Location is the share list' })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async share(@Param('id') id: string, @Body() body: ShareImageBody, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.shares.share(id, body, requestId));
  }

  @ApiProviderOperation('unshareImage')
  @Delete(':id/shares/:userId')
  @ApiOperation({ summary: 'Stop sharing an own image with one user' })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiParam({ name: 'userId', description: 'The user the image is shared with' })
  @ApiNoContentResponse({ description: 'No longer shared with that user' })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async unshare(@Param('id') id: string, @Param('userId') userId: string, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.shares.unshare(id, userId, requestId));
  }

  @RequiresScope('images.read')
  @ApiProviderOperation('listExportTargets')
  @Get(':id/export-targets')
  @ApiOperation({ summary: 'The buckets an image can be exported to (pass one to POST /images/{id}/export)' })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiOkResponse({ type: ExportTargetListDto })
  @ApiProblems('NOT_FOUND', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  exportTargets(@Param('id') id: string, @RequestId() requestId: string): Promise<{ targets: ExportTarget[] }> {
    return this.shares.exportTargets(id, requestId);
  }

  @ApiProviderOperation('exportImage')
  @AnswersOnce()
  @Post(':id/export')
  @ApiOperation({ summary: 'Export an own image into an object-store bucket' })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiOkResponse({ type: ImageDto, description: 'Exported' })
  @ApiAcceptedResponse({ type: WriteAcceptedDto, description: 'The vendor is exporting; Location is the operation or the image' })
  @ApiNoContentResponse({ description: 'Exported; the vendor reports nothing to show' })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async exportImage(@Param('id') id: string, @Body() body: ExportImageBody, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.shares.exportImage(id, body, requestId));
  }
}
