import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RedisConnection } from './redis-connection';

/**
 * Terminus has no ioredis indicator: this pings the replica's own client with a short timeout. Down is reported,
 * never a reason to stop serving: catalogs and keys fall back to process memory.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisConnection,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    if (this.redis.backend === 'memory') return indicator.up({ backend: 'memory' });
    const ping = await this.redis.ping();
    if (ping.up) return indicator.up({ backend: 'redis' });
    return indicator.down({ backend: 'redis', message: ping.reason, ...(ping.unreachable ? { fallback: 'memory' } : {}) });
  }
}
