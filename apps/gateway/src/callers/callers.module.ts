import { ExecutionContext, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { ThrottlerModule, ThrottlerModuleOptions } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { asksRefresh } from '../common/cache-directives';
import { LOGGER } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { RedisConnection } from '../redis/redis-connection';
import { RedisModule } from '../redis/redis.module';
import { Authenticator } from './authenticator';
import { MemoryWindows, RateLimitStorage, RedisWindows, SharedWindows, WindowCounter } from './rate-limit.storage';
import { RouteMetadata } from './route-metadata';
import { StreamTickets } from './stream-tickets';

const MINUTE_MS = 60_000;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A write for the limits: what changes a vendor's state, and `GET /images` made to ask every vendor again. */
function isWrite(context: ExecutionContext, ttlSeconds: number): boolean {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return WRITE_METHODS.has(request.method) || (request.method === 'GET' && request.routeOptions?.url === '/images' && asksRefresh(request, ttlSeconds));
}

function limits(config: GatewayConfig, redis: RedisConnection, logger: Logger): ThrottlerModuleOptions {
  const { requestsPerMinute, writesPerMinute } = config.limits;
  const windows = redis.choose<WindowCounter>({
    redis: (client) => new SharedWindows(new RedisWindows(client), new MemoryWindows(), logger.child({ component: 'rate-limit' })),
    memory: () => new MemoryWindows(),
  });
  return {
    storage: new RateLimitStorage(windows, config.cacheKeyPrefix),
    throttlers: [
      // A limit of 0 is no limit.
      { name: 'requests', ttl: MINUTE_MS, limit: requestsPerMinute, skipIf: () => requestsPerMinute === 0 },
      { name: 'writes', ttl: MINUTE_MS, limit: writesPerMinute, skipIf: (context) => writesPerMinute === 0 || !isWrite(context, config.cacheTtlSeconds) },
    ],
  };
}

/**
 * Who calls (API keys and JWTs) and how much they may (per-caller budgets shared through Redis). The guards are
 * globals, registered by AppModule in order: the caller is known before it is counted.
 */
@Module({
  imports: [
    RedisModule,
    ThrottlerModule.forRootAsync({ imports: [RedisModule], inject: [GatewayConfig, RedisConnection, LOGGER], useFactory: limits }),
  ],
  providers: [
    Authenticator,
    RouteMetadata,
    {
      provide: StreamTickets,
      inject: [RedisConnection, GatewayConfig, LOGGER],
      useFactory: (redis: RedisConnection, config: GatewayConfig, logger: Logger) =>
        new StreamTickets(redis.choose({ redis: (client) => client, memory: () => null }), { keyPrefix: config.cacheKeyPrefix, ttlMs: config.events.ticketTtlSeconds * 1000 }, logger.child({ component: 'stream-tickets' })),
    },
  ],
  exports: [Authenticator, StreamTickets, RouteMetadata],
})
export class CallersModule implements OnApplicationBootstrap {
  constructor(
    private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const { disabled, jwt } = this.config.callers;
    if (disabled) this.logger.warn('AUTH_DISABLED=true: every caller may do everything; for a closed network or local tests only');
    if (jwt && jwt.audience === null) this.logger.warn('AUTH_JWT_AUDIENCE is not set: a token the issuer made for any other API is accepted here too');
  }
}
