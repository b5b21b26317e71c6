import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Operation } from '@images/core';
import { RequiresScope } from '../callers/scopes';
import { RequestId } from '../common/request-context';
import { ApiProblems, ApiProviderOperation, UPSTREAM_PROBLEMS } from '../docs/openapi';
import { OperationDto } from '../images/dto/image.dto';
import { OperationsService } from './operations.service';

@ApiTags('operations')
@RequiresScope('images.read')
@Controller('operations')
export class OperationsController {
  constructor(private readonly operations: OperationsService) {}

  @ApiProviderOperation('getOperation')
  @Get(':id')
  @ApiOperation({ summary: 'A vendor job started by a write (the Location of a 202): poll until succeeded or failed' })
  @ApiParam({ name: 'id', description: '{provider}:{jobId}', example: 'acme:3fd352092a3f553cb124223f6a7f09b4' })
  @ApiOkResponse({ type: OperationDto })
  @ApiProblems('NOT_FOUND', 'UNSUPPORTED_OPERATION', ...UPSTREAM_PROBLEMS)
  get(@Param('id') id: string, @RequestId() requestId: string): Promise<Operation> {
    return this.operations.get(id, requestId);
  }
}
