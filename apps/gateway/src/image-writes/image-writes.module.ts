import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { ImagesModule } from '../images/images.module';
import { ImageWritesController } from './image-writes.controller';
import { ImageWritesService } from './image-writes.service';
import { IdempotencyModule } from '../idempotency/idempotency.module';

/** `POST /images`, `PATCH`/`DELETE /images/{id}`, `POST /images/{id}/copy`. */
@Module({
  imports: [CatalogModule, ImagesModule, IdempotencyModule],
  controllers: [ImageWritesController],
  providers: [ImageWritesService],
})
export class ImageWritesModule {}
