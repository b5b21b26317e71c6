import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { ChunkReclaimer } from './chunk-reclaimer';
import { DownloadSlots } from './download-slots';
import { ImageFilesController } from './image-files.controller';
import { ImageFilesService } from './image-files.service';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { MetricsModule } from '../metrics/metrics.module';

/** An image's file: `POST …/upload`, `POST …/upload/complete`, `GET`/`HEAD …/file`. */
@Module({
  imports: [CatalogModule, IdempotencyModule, MetricsModule],
  controllers: [ImageFilesController],
  providers: [ImageFilesService, DownloadSlots, ChunkReclaimer],
})
export class ImageFilesModule {}
