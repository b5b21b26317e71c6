import { Controller, Get, Headers, Param, Query, Req } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBadRequestResponse, ApiGatewayTimeoutResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Image } from '@images/core';
import { RequiresScope } from '../callers/scopes';
import { RequestId } from '../common/request-context';
import { asksNoCache } from '../common/cache-directives';
import { attachSources } from '../common/request-log';
import { ApiProblems, IMAGE_ID_PARAM, UPSTREAM_PROBLEMS } from '../docs/openapi';
import { ImageDto, ImageListDto, ProblemDto } from './dto/image.dto';
import { ListImagesQuery } from './dto/list-images.query';
import { ImageList, ImagesService } from './images.service';

/** The reads of the merged catalog: the list and one image. */
@ApiTags('images')
@RequiresScope('images.read')
@Controller('images')
export class ImagesController {
  constructor(private readonly images: ImagesService) {}

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
    const bypassCache = asksNoCache(cacheControl);
    const list = await this.images.list(query, { bypassCache });
    attachSources(request, list.sources);
    return list;
  }

  @Get(':id')
  @ApiOperation({ summary: "One image by its gateway id: the provider's exact lookup where it has one, else its cached catalog" })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiOkResponse({ type: ImageDto })
  @ApiProblems('NOT_FOUND', ...UPSTREAM_PROBLEMS)
  async get(@Param('id') id: string, @RequestId() requestId: string): Promise<Image> {
    return this.images.get(id, requestId);
  }
}
