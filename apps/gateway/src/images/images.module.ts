import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { AnswerCache } from './answer-cache';
import { CatalogIndexes } from './catalog-indexes';
import { ImagesController } from './images.controller';
import { ImagesService } from './images.service';

/** `GET /images` and `GET /images/{id}`: the merged catalog, filtered, sorted and paged. */
@Module({
  imports: [CatalogModule],
  controllers: [ImagesController],
  // One each per process, bounded: pages computed once by ETag, merged catalogs indexed once per version.
  providers: [ImagesService, { provide: AnswerCache, useFactory: () => new AnswerCache() }, { provide: CatalogIndexes, useFactory: () => new CatalogIndexes() }],
  exports: [ImagesService],
})
export class ImagesModule {}
