import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogEngine, ProviderState } from '@images/catalog';
import { OperationName } from '@images/core';
import { RequiresScope } from '../callers/scopes';
import { ProviderListDto } from '../images/dto/image.dto';
import { ProviderDirectory } from './provider-directory';

@ApiTags('providers')
@RequiresScope('images.read')
@Controller('providers')
export class ProvidersController {
  constructor(
    private readonly engine: CatalogEngine,
    private readonly directory: ProviderDirectory,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The enabled providers: what each can do, circuit state, last success and last error' })
  @ApiOkResponse({ type: ProviderListDto })
  list(): { providers: Array<ProviderState & { vendor: string; operations: OperationName[] }> } {
    return {
      providers: this.engine.states().map((state) => {
        const provider = this.directory.get(state.id)!;
        // What answers, not what is declared: a listed capability never answers 501.
        return { ...state, vendor: this.directory.vendorOf(state.id), capabilities: this.directory.capabilitiesOf(provider), operations: this.directory.operationsOf(provider) };
      }),
    };
  }
}
