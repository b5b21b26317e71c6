import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';
import { LOGGER } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { RedisConnection } from './redis-connection';
import { RedisHealthIndicator } from './redis.health';

/** The replica's Redis client (or none), its health indicator, and its close on shutdown. */
@Module({
  imports: [TerminusModule],
  providers: [
    { provide: RedisConnection, inject: [GatewayConfig, LOGGER], useFactory: (config: GatewayConfig, logger: Logger) => RedisConnection.open(config.redis, logger) },
    RedisHealthIndicator,
  ],
  exports: [RedisConnection, RedisHealthIndicator],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(RedisConnection) private readonly redis: RedisConnection) {}

  /** After the HTTP server has closed (not onModuleDestroy, which runs before it): requests still draining keep Redis. */
  async onApplicationShutdown(): Promise<void> {
    await this.redis.close();
  }
}
