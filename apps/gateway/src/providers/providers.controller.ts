import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogEngine, ProviderState } from '@images/catalog';
import { ProviderListDto } from '../images/dto/image.dto';
import { CATALOG_ENGINE } from '../tokens';

@ApiTags('providers')
@Controller('providers')
export class ProvidersController {
  constructor(@Inject(CATALOG_ENGINE) private readonly engine: CatalogEngine) {}

  @Get()
  @ApiOperation({ summary: 'The enabled providers: capabilities, circuit state, last success and last error' })
  @ApiOkResponse({ type: ProviderListDto })
  list(): { providers: ProviderState[] } {
    return { providers: this.engine.states() };
  }
}
