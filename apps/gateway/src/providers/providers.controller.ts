import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperationName } from '@images/core';
import { CatalogEngine, ProviderState } from '@images/catalog';
import { ProviderListDto } from '../images/dto/image.dto';
import { CATALOG_ENGINE } from '../tokens';
import { ProviderRouter } from './provider-router';

@ApiTags('providers')
@Controller('providers')
export class ProvidersController {
  constructor(
    @Inject(CATALOG_ENGINE) private readonly engine: CatalogEngine,
    private readonly router: ProviderRouter,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The enabled providers: what each can do, circuit state, last success and last error' })
  @ApiOkResponse({ type: ProviderListDto })
  list(): { providers: Array<ProviderState & { operations: OperationName[] }> } {
    return {
      providers: this.engine.states().map((state) => {
        const provider = this.engine.provider(state.id)!;
        // What answers, not what is declared: a listed capability never answers 501.
        return { ...state, capabilities: this.router.capabilitiesOf(provider), operations: this.router.operationsOf(provider) };
      }),
    };
  }
}
