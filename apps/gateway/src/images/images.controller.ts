import { Body, Controller, Delete, Get, Headers, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadGatewayResponse, ApiBadRequestResponse, ApiCreatedResponse, ApiGatewayTimeoutResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Image } from '@images/core';
import { send } from '../common/answer';
import { attachSources } from '../common/request-log';
import { RequestId } from '../common/request-context';
import { ApiProblems, UPSTREAM_PROBLEMS } from '../docs/openapi';
import { ImageDto, ImageListDto, ProblemDto, WriteAcceptedDto } from './dto/image.dto';
import { ListImagesQuery } from './dto/list-images.query';
import { CopyImageBody, CreateImageBody, UpdateImageBody } from './dto/write.dto';
import { ImageWritesService } from './image-writes.service';
import { ImageList, ImagesService } from './images.service';

const ID_PARAM = { name: 'id', description: '{provider}:{providerImageId}', example: 'cecstack:img-kvvfk28fcjc0mt' };
const ACCEPTED = { type: WriteAcceptedDto, description: 'The vendor is still working: Location is the operation to poll (GET /operations/{id}), or the image when the vendor has no job' };

@ApiTags('images')
@Controller('images')
export class ImagesController {
  constructor(
    private readonly images: ImagesService,
    private readonly writes: ImageWritesService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The merged catalog of every selected provider, filtered, sorted and paged' })
  @ApiHeader({ name: 'Cache-Control', required: false, description: 'no-cache bypasses the cache, like refresh=true' })
  @ApiOkResponse({ type: ImageListDto, description: 'Also when some providers failed: their slices are marked in sources' })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'VALIDATION_FAILED' })
  @ApiBadGatewayResponse({ type: ProblemDto, description: 'ALL_PROVIDERS_FAILED, or the one selected provider failed (its own status and code)' })
  @ApiTooManyRequestsResponse({ type: ProblemDto, description: 'RATE_LIMITED: the one selected provider throttled the gateway' })
  @ApiServiceUnavailableResponse({ type: ProblemDto, description: 'UPSTREAM_UNAVAILABLE: the one selected provider is unreachable or its circuit is open' })
  @ApiGatewayTimeoutResponse({ type: ProblemDto, description: 'UPSTREAM_TIMEOUT: the one selected provider did not answer within PROVIDER_TIMEOUT_MS' })
  async list(@Query() query: ListImagesQuery, @Headers('cache-control') cacheControl: string | undefined, @Req() request: FastifyRequest): Promise<ImageList> {
    const bypassCache = typeof cacheControl === 'string' && /(^|,)\s*no-cache\s*(,|$)/i.test(cacheControl);
    const list = await this.images.list(query, { bypassCache });
    attachSources(request, list.sources);
    return list;
  }

  @Get(':id')
  @ApiOperation({ summary: "One image by its gateway id: the provider's exact lookup where it has one, else its cached catalog" })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ImageDto })
  @ApiProblems('NOT_FOUND', ...UPSTREAM_PROBLEMS)
  async get(@Param('id') id: string, @RequestId() requestId: string): Promise<Image> {
    return this.images.get(id, requestId);
  }

  @Post()
  @ApiOperation({ summary: 'Create an image at the provider named in the body (didi: from a snapshot; cecstack: an empty image to upload into, or an import from fromUrl)' })
  @ApiCreatedResponse({ type: ImageDto, description: 'Created; Location is the image' })
  @ApiAcceptedResponse(ACCEPTED)
  @ApiProblems('VALIDATION_FAILED', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async create(@Body() body: CreateImageBody, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.writes.create(body, requestId));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some of an image’s fields (didi: the name only)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ImageDto, description: 'Changed' })
  @ApiAcceptedResponse(ACCEPTED)
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async update(@Param('id') id: string, @Body() body: UpdateImageBody, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.writes.update(id, body, requestId));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete an image (cecstack: an image shared with the account is removed from the account)' })
  @ApiParam(ID_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiAcceptedResponse(ACCEPTED)
  @ApiProblems('NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async remove(@Param('id') id: string, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.writes.remove(id, requestId));
  }

  @Post(':id/copy')
  @ApiOperation({ summary: 'Copy an image (didi: to another region; cecstack: an image shared with the account, into it)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ImageDto, description: 'Copied; Location is the new image' })
  @ApiAcceptedResponse(ACCEPTED)
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async copy(@Param('id') id: string, @Body() body: CopyImageBody, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return send(reply, await this.writes.copy(id, body, requestId));
  }
}
