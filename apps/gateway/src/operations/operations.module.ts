import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { EventsModule } from '../events/events.module';
import { OperationsController } from './operations.controller';
import { OperationsService } from './operations.service';

/** `GET /operations/{id}`: vendor jobs started by writes. */
@Module({
  imports: [CatalogModule, EventsModule],
  controllers: [OperationsController],
  providers: [OperationsService],
})
export class OperationsModule {}
