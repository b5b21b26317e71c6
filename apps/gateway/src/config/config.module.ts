import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { SecretRedactor } from '@images/core';
import { GatewayTracing } from '../tracing/tracing';
import { GatewayConfig } from './gateway-config';

/** The root pino logger (Fastify, Nest and every module write through it). */
export const LOGGER = Symbol('LOGGER');

/**
 * What every module may read: the validated config (by its class), the one redactor built from its secrets, the
 * logger, and the tracing (off, or on with its tracer). Built before Nest starts, so a bad config fails fast and Fastify logs through the same logger.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: GatewayConfig, logger: Logger, redactor: SecretRedactor, tracing: GatewayTracing): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: GatewayConfig, useValue: config },
        { provide: SecretRedactor, useValue: redactor },
        { provide: LOGGER, useValue: logger },
        { provide: GatewayTracing, useValue: tracing },
      ],
      exports: [GatewayConfig, SecretRedactor, LOGGER, GatewayTracing],
    };
  }
}
