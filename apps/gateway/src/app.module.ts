import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ImageProvider, SecretRedactor } from '@images/core';
import { CatalogCoordination, CatalogEngine, CatalogStore, LocalCoordination, MemoryCatalogStore, RedisCatalogStore, RedisCoordination, TieredCatalogStore } from '@images/catalog';
import { connectRedis, connectSubscriber, describeRedisUrl } from './cache/redis.factory';
import { ProblemFilter } from './common/problem.filter';
import { StrictValidationPipe } from './common/validation';
import { GatewayConfig } from './config/gateway-config';
import { HealthController } from './health/health.controller';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { ImageFilesController } from './images/image-files.controller';
import { ImageSharesController } from './images/image-shares.controller';
import { ImageWritesService } from './images/image-writes.service';
import { LifecycleService } from './health/lifecycle.service';
import { ImagesController } from './images/images.controller';
import { ImagesService } from './images/images.service';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { OperationsController } from './operations/operations.controller';
import { OperationsService } from './operations/operations.service';
import { ProblemsController } from './problems/problems.controller';
import { ProviderRouter } from './providers/provider-router';
import { ProvidersController } from './providers/providers.controller';
import { CATALOG_COORDINATION, CATALOG_ENGINE, CATALOG_STORE, GATEWAY_CONFIG, IDEMPOTENCY_STORE, IMAGE_PROVIDERS, LOGGER, REDIS, SECRET_REDACTOR } from './tokens';

/** Idempotency-Key answers are replayed for 24 h (API.md section 7). */
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/**
 * The whole gateway. Pipe and filter are APP_* providers, so an app built by a test behaves like production.
 */
@Module({})
export class AppModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(CATALOG_COORDINATION) private readonly coordination: CatalogCoordination,
  ) {}

  static forRoot(config: GatewayConfig, logger: Logger, redactor: SecretRedactor): DynamicModule {
    return {
      module: AppModule,
      imports: [TerminusModule],
      controllers: [ImagesController, ImageFilesController, ImageSharesController, OperationsController, ProvidersController, HealthController, MetricsController, ProblemsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: SECRET_REDACTOR, useValue: redactor },
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        MetricsService,
        LifecycleService,
        ImagesService,
        ImageWritesService,
        OperationsService,
        ProviderRouter,
        {
          provide: IDEMPOTENCY_STORE,
          inject: [REDIS],
          useFactory: (redis: Redis | null) =>
            new IdempotencyStore(
              redis,
              // A pending key outlives any request (the write budget plus slack), so a crashed replica frees it.
              { keyPrefix: config.cacheKeyPrefix, answerTtlMs: IDEMPOTENCY_TTL_MS, pendingTtlMs: config.providerTimeoutMs * 2 + 30_000 },
              logger.child({ component: 'idempotency' }),
            ),
        },
        {
          provide: REDIS,
          useFactory: async (): Promise<Redis | null> => {
            if (!config.redisUrl) {
              logger.info('REDIS_URL is not set: catalogs are cached in process memory only');
              return null;
            }
            logger.info({ redis: describeRedisUrl(config.redisUrl) }, 'catalog cache in redis, with an in-process first tier');
            return connectRedis(config.redisUrl, logger);
          },
        },
        {
          provide: CATALOG_STORE,
          inject: [REDIS],
          useFactory: (redis: Redis | null): CatalogStore => {
            const memory = new MemoryCatalogStore();
            if (!redis) return memory;
            const freshMs = config.cacheTtlSeconds * 1000;
            return new TieredCatalogStore(memory, new RedisCatalogStore(redis, logger), freshMs, freshMs + config.cacheStaleSeconds * 1000);
          },
        },
        {
          // Replicas sharing Redis fetch each catalog once and hear each other's writes.
          provide: CATALOG_COORDINATION,
          inject: [REDIS],
          useFactory: (redis: Redis | null): CatalogCoordination =>
            redis ? new RedisCoordination(redis, connectSubscriber(redis), config.cacheKeyPrefix, logger.child({ component: 'coordination' })) : new LocalCoordination(),
        },
        {
          provide: IMAGE_PROVIDERS,
          inject: [MetricsService],
          useFactory: (metrics: MetricsService): ImageProvider[] =>
            config.providers.map(({ registration, config: providerConfig }) =>
              registration.create(providerConfig, {
                observer: metrics,
                logger: logger.child({ provider: registration.id }),
                maxConcurrentRequests: config.providerMaxConcurrency,
              }),
            ),
        },
        {
          provide: CATALOG_ENGINE,
          inject: [IMAGE_PROVIDERS, CATALOG_STORE, MetricsService, CATALOG_COORDINATION],
          useFactory: (providers: ImageProvider[], store: CatalogStore, metrics: MetricsService, coordination: CatalogCoordination) => {
            metrics.initProviders(providers.map((p) => p.id));
            return new CatalogEngine(
              providers,
              store,
              {
                cacheTtlSeconds: config.cacheTtlSeconds,
                cacheStaleSeconds: config.cacheStaleSeconds,
                providerTimeoutMs: config.providerTimeoutMs,
                circuitFailureThreshold: config.circuitFailureThreshold,
                circuitHalfOpenAfterMs: config.circuitHalfOpenAfterMs,
                keyPrefix: config.cacheKeyPrefix,
              },
              metrics,
              logger.child({ component: 'engine' }),
              coordination,
            );
          },
        },
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.coordination.close();
    if (this.redis) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
