import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import { SecretRedactor } from '@images/core';
import { AuthGuard } from './callers/auth.guard';
import { CallersModule } from './callers/callers.module';
import { RateLimitGuard } from './callers/rate-limit.guard';
import { CatalogModule } from './catalog/catalog.module';
import { StrictValidationPipe } from './common/validation';
import { ConfigModule } from './config/config.module';
import { GatewayConfig } from './config/gateway-config';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { ImageFilesModule } from './image-files/image-files.module';
import { ImageWritesModule } from './image-writes/image-writes.module';
import { ImagesModule } from './images/images.module';
import { MetricsModule } from './metrics/metrics.module';
import { OperationsModule } from './operations/operations.module';
import { ProblemFilter } from './problems/problem.filter';
import { ProblemsModule } from './problems/problems.module';
import { ProviderStatusModule } from './providers/provider-status.module';
import { ProvidersModule } from './providers/providers.module';
import { SharesModule } from './shares/shares.module';
import { GatewayTracing } from './tracing/tracing';

/**
 * The whole gateway: it only imports its feature modules and registers the globals. The globals are APP_* providers,
 * so an app built by a test behaves like production. docs/ARCHITECTURE.md draws the module graph.
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, logger: Logger, redactor: SecretRedactor, tracing: GatewayTracing = GatewayTracing.OFF): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, logger, redactor, tracing),
        ProvidersModule.forRoot(config),
        CallersModule,
        MetricsModule,
        CatalogModule,
        ImagesModule,
        ImageWritesModule,
        ImageFilesModule,
        SharesModule,
        OperationsModule,
        EventsModule,
        ProviderStatusModule,
        IdempotencyModule,
        ProblemsModule,
        HealthModule,
      ],
      // In the order a request meets them (Nest runs guards, then interceptors, then pipes; filters on the way out).
      providers: [
        // 1. A known caller with the route's scope (401, 403), but on probes and problem pages.
        { provide: APP_GUARD, useClass: AuthGuard },
        // 2. Within its budgets, counted per caller across replicas (429).
        { provide: APP_GUARD, useClass: RateLimitGuard },
        // (A POST with an Idempotency-Key is answered once, per caller: @AnswersOnce() on each POST route, so reads
        // run no interceptor chain.)
        // 3. Every query, path and body validated against its DTO, unknown keys refused.
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        // 4. Every error, ours or the framework's, rendered as problem+json.
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
