import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { AnswerCache } from './answer-cache';
import { ImagesController } from './images.controller';
import { ImagesService } from './images.service';

/** `GET /images` and `GET /images/{id}`: the merged catalog, filtered, sorted and paged. */
@Module({
  imports: [CatalogModule],
  controllers: [ImagesController],
  // One per process, bounded by size: pages computed once, by ETag.
  providers: [ImagesService, { provide: AnswerCache, useFactory: () => new AnswerCache() }],
  exports: [ImagesService],
})
export class ImagesModule {}
