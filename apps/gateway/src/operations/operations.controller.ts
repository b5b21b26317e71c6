import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiNotModifiedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Operation } from '@images/core';
import { RequiresScope } from '../callers/scopes';
import { RequestId, callerGone } from '../common/request-context';
import { ApiProblems, ApiProviderOperation, UPSTREAM_PROBLEMS } from '../docs/openapi';
import { OperationDto } from '../images/dto/image.dto';
import { GetOperationQuery } from './dto/get-operation.query';
import { OperationsService } from './operations.service';

const ETAG = { ETag: { description: "Weak, from the operation's state: send it as If-None-Match with wait to be answered when it changes", schema: { type: 'string' } } };

@ApiTags('operations')
@RequiresScope('images.read')
@Controller('operations')
export class OperationsController {
  constructor(private readonly operations: OperationsService) {}

  @ApiProviderOperation('getOperation')
  @Get(':id')
  @ApiOperation({ summary: 'A vendor job started by a write (the Location of a 202): poll, or wait=N to be answered when it changes' })
  @ApiParam({ name: 'id', description: '{provider}:{jobId}', example: 'acme:3fd352092a3f553cb124223f6a7f09b4' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of the copy the caller has: with wait, the change waited for is from it; 304 when it is still current' })
  @ApiOkResponse({ type: OperationDto, headers: ETAG })
  @ApiNotModifiedResponse({ description: "If-None-Match named the operation's ETag, and it did not change within the wait", headers: ETAG })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  async get(
    @Param('id') id: string,
    @Query() query: GetOperationQuery,
    @RequestId() requestId: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Operation | undefined> {
    const { operation, etag } = await this.operations.get(id, { requestId, waitSeconds: query.wait, ifNoneMatch, cancel: callerGone(reply) });
    reply.header('etag', etag);
    if (operation) return operation;
    reply.status(304);
    return undefined;
  }
}
