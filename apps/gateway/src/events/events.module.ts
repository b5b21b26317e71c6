import { BeforeApplicationShutdown, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { CallersModule } from '../callers/callers.module';
import { LOGGER } from '../config/config.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { GatewayConfig } from '../config/gateway-config';
import { RedisConnection } from '../redis/redis-connection';
import { RedisModule } from '../redis/redis.module';
import { Webhooks, WebhooksModule } from '../webhooks/webhooks.module';
import { EventBus, MemoryEventBus, RedisEventBus, eventStreamKey } from './event-bus';
import { EventPublisher, degradedStateTtlMs } from './event-publisher';
import { EventStreams } from './event-streams';
import { EventsController } from './events.controller';
import { MemoryPublishedCatalogs, PublishedCatalogs, RedisPublishedCatalogs } from './published-catalogs';

/** The bus every replica publishes to and reads from; subscribe to it in process (webhooks) by injecting this token. */
export const EVENT_BUS = Symbol('EVENT_BUS');
const PUBLISHED_CATALOGS = Symbol('PUBLISHED_CATALOGS');

function eventBus(redis: RedisConnection, config: GatewayConfig, logger: Logger): EventBus {
  const { streamMaxLength } = config.events;
  return redis.choose<EventBus>({
    redis: (client) => new RedisEventBus(client, eventStreamKey(config.cacheKeyPrefix), streamMaxLength, logger.child({ component: 'events' })),
    memory: () => new MemoryEventBus(streamMaxLength),
  });
}

function publishedCatalogs(redis: RedisConnection, config: GatewayConfig): PublishedCatalogs {
  return redis.choose<PublishedCatalogs>({ redis: (client) => new RedisPublishedCatalogs(client, config.cacheKeyPrefix), memory: () => new MemoryPublishedCatalogs() });
}

/** Catalog change events: the bus (a Redis stream, or memory), what publishes to it, and `GET /events`. */
@Module({
  imports: [RedisModule, WebhooksModule, CallersModule, IdempotencyModule],
  controllers: [EventsController],
  providers: [
    { provide: EVENT_BUS, inject: [RedisConnection, GatewayConfig, LOGGER], useFactory: eventBus },
    { provide: PUBLISHED_CATALOGS, inject: [RedisConnection, GatewayConfig], useFactory: publishedCatalogs },
    {
      provide: EventPublisher,
      inject: [EVENT_BUS, PUBLISHED_CATALOGS, LOGGER, Webhooks, GatewayConfig],
      useFactory: (bus: EventBus, published: PublishedCatalogs, logger: Logger, webhooks: Webhooks, config: GatewayConfig) =>
        new EventPublisher(bus, published, logger.child({ component: 'events' }), webhooks.deliverPublished ?? undefined, degradedStateTtlMs(config.circuitHalfOpenAfterMs)),
    },
    {
      provide: EventStreams,
      inject: [EVENT_BUS, GatewayConfig],
      useFactory: (bus: EventBus, config: GatewayConfig) => new EventStreams(bus, config.limits.eventsMaxStreamsPerCaller, config.events.heartbeatMs),
    },
  ],
  exports: [EVENT_BUS, EventPublisher],
})
export class EventsModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    private readonly streams: EventStreams,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  /** Before the server closes: it waits for open connections, and an event stream never ends by itself. */
  beforeApplicationShutdown(): void {
    this.streams.endAll();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
