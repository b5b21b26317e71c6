import { Inject, Injectable, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { PROVIDER_DEPS, ProviderDeps, ProviderDepsSource, SecretRedactor } from '@images/core';
import { LOGGER } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';
import { GatewayTracing } from '../tracing/tracing';

/**
 * What each vendor module hands its provider: the metrics observer, a logger, its pool size, the one redactor, the
 * tracer while tracing is on. The
 * provider's lines name it themselves (`provider`), so the logger does not bind it again: a repeated key is invalid JSON
 * for strict parsers.
 */
@Injectable()
export class GatewayProviderDeps implements ProviderDepsSource {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly config: GatewayConfig,
    private readonly redactor: SecretRedactor,
    private readonly tracing: GatewayTracing,
  ) {}

  depsFor(providerId: string): ProviderDeps {
    return {
      providerId,
      observer: this.metrics,
      logger: this.logger.child({ component: 'upstream' }),
      maxConcurrentRequests: this.config.providerMaxConcurrency,
      maxStreams: this.config.limits.downloadMaxConcurrency,
      redactor: this.redactor,
      tracer: this.tracing.tracer,
    };
  }
}

/** Imported by every vendor module (through its VendorModuleContext) for PROVIDER_DEPS. */
@Module({
  imports: [MetricsModule],
  providers: [{ provide: PROVIDER_DEPS, useClass: GatewayProviderDeps }],
  exports: [PROVIDER_DEPS],
})
export class ProviderDepsModule {}
