import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CatalogCoordination, CatalogEngine } from '@images/catalog';
import { LOGGER } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { EventPublisher } from '../events/event-publisher';
import { EventsModule } from '../events/events.module';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';
import { ProviderDirectory } from '../providers/provider-directory';
import { RedisConnection } from '../redis/redis-connection';
import { RedisModule } from '../redis/redis.module';
import { GatewayTracing } from '../tracing/tracing';
import { CATALOG_COORDINATION, CATALOG_STORE, catalogCoordination, catalogEngine, catalogStore } from './catalog.providers';
import { ProviderCalls } from './provider-calls';

/** The catalogs: their store (memory, or memory in front of Redis), the replicas' coordination, the engine, and provider calls. */
@Module({
  imports: [RedisModule, MetricsModule, EventsModule],
  providers: [
    { provide: CATALOG_STORE, inject: [RedisConnection, GatewayConfig, LOGGER], useFactory: catalogStore },
    { provide: CATALOG_COORDINATION, inject: [RedisConnection, GatewayConfig, LOGGER], useFactory: catalogCoordination },
    { provide: CatalogEngine, inject: [ProviderDirectory, CATALOG_STORE, GatewayConfig, MetricsService, LOGGER, CATALOG_COORDINATION, GatewayTracing, EventPublisher], useFactory: catalogEngine },
    ProviderCalls,
  ],
  exports: [CatalogEngine, ProviderCalls],
})
export class CatalogModule implements OnApplicationShutdown {
  constructor(@Inject(CATALOG_COORDINATION) private readonly coordination: CatalogCoordination) {}

  async onApplicationShutdown(): Promise<void> {
    await this.coordination.close();
  }
}
