import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBadRequestResponse, ApiNotFoundResponse, ApiGatewayTimeoutResponse, ApiHeader, ApiNotModifiedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequiresScope } from '../callers/scopes';
import { RequestId } from '../common/request-context';
import { prefersStrictHandling, readFreshness, requestCacheDirectives } from '../common/cache-directives';
import { attachSources } from '../common/request-log';
import { compressedOnce } from '../http/compression';
import { ApiProblems, IMAGE_ID_PARAM, UPSTREAM_PROBLEMS } from '../docs/openapi';
import { ImageDto, ImageListDto, ListFailedDto, ProblemDto } from './dto/image.dto';
import { ListImagesQuery } from './dto/list-images.query';
import { AnswerCaching } from './http-caching';
import { ImagesService } from './images.service';

const JSON_TYPE = 'application/json; charset=utf-8';
const CACHE_CONTROL = {
  name: 'Cache-Control',
  required: false,
  description: 'RFC 9111 request directives: no-cache (like refresh=true), max-age=N (refresh catalogs older than N s), max-stale[=N] (serve a catalog up to N s past its TTL at once), only-if-cached (never ask a vendor: nothing cached is an error slice, 504)',
};
const IF_NONE_MATCH = { name: 'If-None-Match', required: false, description: 'An ETag of an earlier answer: 304 with no body while it is still current' };

const PREFERENCE_APPLIED = { description: 'handling=strict when the caller asked for it (RFC 7240)', schema: { type: 'string' } };
const CACHING_HEADERS = {
  ETag: { description: 'Weak; from the query and the catalog versions (one image: its content). Unchanged by a refresh that changed nothing', schema: { type: 'string' } },
  'Cache-Status': { description: 'RFC 9211: hit (with ttl), or why the vendor was asked (fwd=miss, request, stale, uri-miss)', schema: { type: 'string' } },
  'Cache-Control': { description: 'private, max-age until the first catalog of the answer passes its TTL; absent on a partial answer', schema: { type: 'string' } },
  'Preference-Applied': PREFERENCE_APPLIED,
};

/** The reads of the merged catalog: the list and one image. */
@ApiTags('images')
@RequiresScope('images.read')
@Controller('images')
export class ImagesController {
  constructor(private readonly images: ImagesService) {}

  @Get()
  @ApiOperation({ summary: 'The merged catalog of every selected provider, filtered, sorted and paged' })
  @ApiHeader(CACHE_CONTROL)
  @ApiHeader({ name: 'Prefer', required: false, description: 'RFC 7240 handling=strict: a partial answer becomes a 502 UPSTREAM_ERROR with every source\'s outcome' })
  @ApiHeader(IF_NONE_MATCH)
  @ApiOkResponse({ type: ImageListDto, description: 'Also when some providers failed: their slices are marked in sources', headers: CACHING_HEADERS })
  @ApiNotModifiedResponse({ description: "If-None-Match named this answer's ETag: the caller's copy is current", headers: CACHING_HEADERS })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'VALIDATION_FAILED' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'NOT_FOUND: the one selected provider answered that what was listed does not exist' })
  @ApiBadGatewayResponse({ type: ListFailedDto, description: 'ALL_PROVIDERS_FAILED (with sources); UPSTREAM_ERROR (with sources) for a partial answer under Prefer: handling=strict; or the one selected provider failed (its own status and code)', headers: { 'Preference-Applied': PREFERENCE_APPLIED } })
  @ApiTooManyRequestsResponse({ type: ProblemDto, description: 'RATE_LIMITED: the one selected provider throttled the gateway' })
  @ApiServiceUnavailableResponse({ type: ProblemDto, description: 'UPSTREAM_UNAVAILABLE: the one selected provider is unreachable or its circuit is open' })
  @ApiGatewayTimeoutResponse({ type: ProblemDto, description: 'UPSTREAM_TIMEOUT: the one selected provider did not answer within PROVIDER_TIMEOUT_MS' })
  async list(
    @Query() query: ListImagesQuery,
    @Headers('cache-control') cacheControl: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    const strict = prefersStrictHandling(prefer);
    // Said on the error a strict read may become as well as on the answer.
    if (strict) reply.header('preference-applied', 'handling=strict');
    // Assigned onto the fresh object, not spread into a literal: images.service.ts, listAnswer.
    const options = Object.assign(readFreshness(requestCacheDirectives(cacheControl), query.refresh === 'true'), { ifNoneMatch, strict });
    const answer = await this.images.list(query, options);
    attachSources(request, answer.slices);
    // The answer is JSON already (an ImageList's bytes): sent as it is, with the type Fastify gives an object.
    if (answer.body === null || answer.cachedPage === null) return conditional<Buffer>(reply, answer, null);
    reply.type(JSON_TYPE);
    return conditional(reply, answer, await compressedOnce(request, reply, answer.cachedPage, answer.body));
  }

  @Get(':id')
  @ApiOperation({ summary: "One image by its gateway id: the provider's exact lookup where it has one, else its cached catalog" })
  @ApiParam(IMAGE_ID_PARAM)
  @ApiHeader(CACHE_CONTROL)
  @ApiHeader(IF_NONE_MATCH)
  @ApiOkResponse({ type: ImageDto, headers: CACHING_HEADERS })
  @ApiNotModifiedResponse({ description: "If-None-Match named this image's ETag: the caller's copy is current", headers: CACHING_HEADERS })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', ...UPSTREAM_PROBLEMS)
  async get(
    @Param('id') id: string,
    @RequestId() requestId: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('cache-control') cacheControl: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const answer = await this.images.get(id, requestId, ifNoneMatch, readFreshness(requestCacheDirectives(cacheControl), false));
    // The image's JSON, made once per cached image.
    if (answer.body !== null) reply.type(JSON_TYPE);
    return conditional(reply, answer, answer.body);
  }
}

/** The caching headers on 200 and 304 alike; a null body means the caller's copy is current: 304, no body. */
function conditional<T>(reply: FastifyReply, caching: AnswerCaching, body: T | null): T | undefined {
  reply.header('etag', caching.etag).header('cache-status', caching.cacheStatus);
  if (caching.maxAgeSeconds !== null) reply.header('cache-control', `private, max-age=${caching.maxAgeSeconds}`);
  if (body !== null) return body;
  reply.status(304);
  return undefined;
}
