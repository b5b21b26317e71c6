import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { ImageSharesController } from './image-shares.controller';
import { ImageSharesService } from './image-shares.service';

/** `…/shares` and `…/export-targets`, `…/export`: who else may use an image, and where it can go. */
@Module({
  imports: [CatalogModule],
  controllers: [ImageSharesController],
  providers: [ImageSharesService],
})
export class SharesModule {}
