import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ImageProvider, imageProviderToken } from '@images/core';
import { LOGGER } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { ProviderDepsModule } from './provider-deps';
import { ProviderAccount, ProviderDirectory } from './provider-directory';

/** A backstop on one vendor HTTP exchange, past the budget that normally ends it by its abort signal. */
const HTTP_BACKSTOP_MS = 1000;

/**
 * Each enabled vendor's own module (its provider on its own HttpModule), and the ProviderDirectory over them:
 * the one token under which the gateway finds its providers. Global: every feature module routes through it.
 */
@Module({})
export class ProvidersModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    // One module per account: two accounts of one vendor are two modules, two pools, two providers.
    const enabled = config.providers.map(({ id, registration, config: vendorConfig }) => ({ registration, vendorConfig, providerId: id }));
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
            new ProviderDirectory(providers, new Map<string, ProviderAccount>(enabled.map(({ providerId, registration }) => [providerId, { vendor: registration.id, rules: registration.rules }])), logger),
        },
      ],
      exports: [ProviderDirectory],
    };
  }
}
