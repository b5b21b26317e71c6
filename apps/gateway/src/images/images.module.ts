import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { ImagesController } from './images.controller';
import { ImagesService } from './images.service';

/** `GET /images` and `GET /images/{id}`: the merged catalog, filtered, sorted and paged. */
@Module({
  imports: [CatalogModule],
  controllers: [ImagesController],
  providers: [ImagesService],
  exports: [ImagesService],
})
export class ImagesModule {}
