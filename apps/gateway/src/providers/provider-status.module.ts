import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { ProvidersController } from './providers.controller';

/** `GET /providers`: each provider's capabilities (the directory's) and its circuit and last outcomes (the engine's). */
@Module({
  imports: [CatalogModule],
  controllers: [ProvidersController],
})
export class ProviderStatusModule {}
