import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { ImageSharesController } from './image-shares.controller';
import { ImageSharesService } from './image-shares.service';
import { IdempotencyModule } from '../idempotency/idempotency.module';

/** `…/shares` and `…/export-targets`, `…/export`: who else may use an image, and where it can go. */
@Module({
  imports: [CatalogModule, IdempotencyModule],
  controllers: [ImageSharesController],
  providers: [ImageSharesService],
})
export class SharesModule {}
