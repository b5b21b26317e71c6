import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ImageProvider, ProviderRules, imageProviderToken } from '@images/core';
import { LOGGER } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { ProviderDepsModule } from './provider-deps';
import { ProviderDirectory } from './provider-directory';

/** A backstop on one vendor HTTP exchange, past the budget that normally ends it by its abort signal. */
const HTTP_BACKSTOP_MS = 1000;

/**
 * Each enabled vendor's own module (its provider on its own HttpModule), and the ProviderDirectory over them:
 * the one token under which the gateway finds its providers. Global: every feature module routes through it.
 */
@Module({})
export class ProvidersModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const enabled = config.providers.map(({ registration, config: vendorConfig }) => ({ registration, vendorConfig, providerId: registration.id }));
    return {
      module: ProvidersModule,
      global: true,
      imports: enabled.map(({ registration, vendorConfig, providerId }) =>
        registration.module(vendorConfig, { providerId, depsModule: ProviderDepsModule, maxSockets: config.providerMaxConcurrency, timeoutMs: config.providerTimeoutMs + HTTP_BACKSTOP_MS }),
      ),
      providers: [
        {
          provide: ProviderDirectory,
          inject: [LOGGER, ...enabled.map(({ providerId }) => imageProviderToken(providerId))],
          useFactory: (logger: Logger, ...providers: ImageProvider[]) =>
            new ProviderDirectory(providers, new Map<string, ProviderRules>(enabled.map(({ providerId, registration }) => [providerId, registration.rules])), logger),
        },
      ],
      exports: [ProviderDirectory],
    };
  }
}
