import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { CatalogEngine } from '@images/catalog';
import { CATALOG_ENGINE, REDIS } from '../tokens';
import { LifecycleService } from './lifecycle.service';

const REDIS_PING_TIMEOUT_MS = 300;

/**
 * Probes for orchestrators. Readiness follows only the replica's own lifecycle: a vendor or cache outage
 * must never pull every replica out of rotation at once.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly lifecycle: LifecycleService,
    @Inject(CATALOG_ENGINE) private readonly engine: CatalogEngine,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process can answer' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when serving, 503 while starting or draining' })
  @ApiOkResponse({ description: 'Ready' })
  @ApiServiceUnavailableResponse({ description: 'Starting or draining' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const report = this.report([this.lifecycleIndicator()]);
    if (report.status !== 'ok') reply.status(503).header('Retry-After', '5');
    return report;
  }

  @Get()
  @ApiOperation({ summary: 'Full report: lifecycle, cache backend, each provider (503 only while starting or draining)' })
  async full(@Res({ passthrough: true }) reply: FastifyReply) {
    const lifecycle = this.lifecycleIndicator();
    const cache = await this.cacheIndicator();
    const providers = this.engine.states().map((state) =>
      // A provider in trouble is reported, but is not a reason to stop serving the others.
      this.indicators.check(`provider:${state.id}`).up({ circuit: state.circuit, lastSuccessAt: state.lastSuccessAt, lastError: state.lastError }),
    );
    const report = this.report([lifecycle, cache, ...providers]);
    if (lifecycle[Object.keys(lifecycle)[0]].status !== 'up') reply.status(503).header('Retry-After', '5');
    return report;
  }

  private lifecycleIndicator(): HealthIndicatorResult {
    const check = this.indicators.check('lifecycle');
    return this.lifecycle.phase === 'serving' ? check.up({ phase: 'serving' }) : check.down({ phase: this.lifecycle.phase });
  }

  private async cacheIndicator(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('cache');
    if (!this.redis) return check.up({ backend: 'memory' });
    try {
      const pong = await Promise.race([
        this.redis.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('ping timed out')), REDIS_PING_TIMEOUT_MS).unref()),
      ]);
      return pong === 'PONG' ? check.up({ backend: 'redis' }) : check.down({ backend: 'redis', message: 'unexpected ping answer' });
    } catch (error) {
      return check.down({ backend: 'redis', message: error instanceof Error ? error.message : 'unreachable', fallback: 'memory' });
    }
  }

  private report(results: HealthIndicatorResult[]) {
    const details: HealthIndicatorResult = Object.assign({}, ...results);
    const down = Object.entries(details).filter(([, value]) => value.status !== 'up');
    return {
      status: down.length === 0 ? 'ok' : 'error',
      info: Object.fromEntries(Object.entries(details).filter(([, value]) => value.status === 'up')),
      error: Object.fromEntries(down),
      details,
    };
  }
}
