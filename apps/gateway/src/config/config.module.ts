import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { SecretRedactor } from '@images/core';
import { GatewayConfig } from './gateway-config';

/** The root pino logger (Fastify, Nest and every module write through it). */
export const LOGGER = Symbol('LOGGER');

/**
 * What every module may read: the validated config (by its class), the one redactor built from its secrets, and
 * the logger. Built before Nest starts, so a bad config fails fast and Fastify logs through the same logger.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: GatewayConfig, logger: Logger, redactor: SecretRedactor): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: GatewayConfig, useValue: config },
        { provide: SecretRedactor, useValue: redactor },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [GatewayConfig, SecretRedactor, LOGGER],
    };
  }
}
