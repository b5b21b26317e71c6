import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CatalogModule } from '../catalog/catalog.module';
import { RedisModule } from '../redis/redis.module';
import { HealthController } from './health.controller';
import { LifecycleService } from './lifecycle.service';
import { ProviderHealthIndicator } from './provider.health';

/** `/health/live`, `/health/ready` (the replica's lifecycle only) and `/health` (cache and providers too). */
@Module({
  imports: [TerminusModule, RedisModule, CatalogModule],
  controllers: [HealthController],
  providers: [LifecycleService, ProviderHealthIndicator],
  exports: [LifecycleService],
})
export class HealthModule {}
