import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { RedisConnection } from '../redis/redis-connection';
import { RedisModule } from '../redis/redis.module';
import { IdempotencyStore } from './idempotency.store';

/** Idempotency-Key answers are replayed for 24 h (API.md section 7). */
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

function idempotencyStore(redis: RedisConnection, config: GatewayConfig, logger: Logger): IdempotencyStore {
  // A pending key outlives any request (the write budget plus slack), so a crashed replica frees it.
  const options = { keyPrefix: config.cacheKeyPrefix, answerTtlMs: IDEMPOTENCY_TTL_MS, pendingTtlMs: config.providerTimeoutMs * 2 + 30_000 };
  const log = logger.child({ component: 'idempotency' });
  return redis.choose({ redis: (client) => new IdempotencyStore(client, options, log), memory: () => new IdempotencyStore(null, options, log) });
}

/** Keys shared by every replica through Redis (in memory without it); each POST route applies the interceptor (@AnswersOnce). */
@Module({
  imports: [RedisModule],
  providers: [{ provide: IdempotencyStore, inject: [RedisConnection, GatewayConfig, LOGGER], useFactory: idempotencyStore }],
  exports: [IdempotencyStore],
})
export class IdempotencyModule {}
