import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { PublicRoute, RequiresScope } from '../callers/scopes';
import { GatewayConfig } from '../config/gateway-config';
import { RedisHealthIndicator } from '../redis/redis.health';
import { HealthReportDto } from './health.dto';
import { LifecycleService } from './lifecycle.service';
import { ProviderHealthIndicator } from './provider.health';

/**
 * Probes for orchestrators. Readiness follows only the replica's own lifecycle: a vendor or cache outage
 * must never pull every replica out of rotation at once.
 */
@ApiTags('health')
@RequiresScope('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly lifecycle: LifecycleService,
    private readonly redis: RedisHealthIndicator,
    private readonly providers: ProviderHealthIndicator,
    private readonly config: GatewayConfig,
  ) {}

  @PublicRoute()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process can answer' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Alive' })
  live() {
    return this.health.check([]);
  }

  @PublicRoute()
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when serving, 503 while starting or draining' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Ready' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'Starting or draining' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.answer(reply, [this.lifecycleIndicator()]);
  }

  @Get()
  @ApiOperation({ summary: 'Full report: lifecycle, cache backend, each provider (up, or degraded); 503 only while starting or draining' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Serving' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'Starting or draining' })
  async full(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.answer(reply, [this.lifecycleIndicator(), this.callersIndicator(), await this.redis.check('cache'), ...this.providers.check()]);
  }

  /** How callers are checked; AUTH_DISABLED shows here, not only in the start-up log. */
  private callersIndicator(): HealthIndicatorResult {
    const { disabled, apiKeys, jwt } = this.config.callers;
    const checks = disabled ? ['none: AUTH_DISABLED=true'] : [...(apiKeys.length > 0 ? ['api-keys'] : []), ...(jwt ? ['jwt'] : [])];
    return this.indicators.check('callers').up({ authDisabled: disabled, checks });
  }

  private lifecycleIndicator(): HealthIndicatorResult {
    const check = this.indicators.check('lifecycle');
    return this.lifecycle.phase === 'serving' ? check.up({ phase: 'serving' }) : check.down({ phase: this.lifecycle.phase });
  }

  /** The report: `error` lists what is down (a degraded provider is still serving); the status follows the lifecycle only. */
  private answer(reply: FastifyReply, results: HealthIndicatorResult[]) {
    const details: HealthIndicatorResult = Object.assign({}, ...results);
    const down = Object.entries(details).filter(([, value]) => value.status === 'down');
    if (this.lifecycle.phase !== 'serving') reply.status(503).header('Retry-After', '5');
    return {
      status: down.length === 0 ? 'ok' : 'error',
      info: Object.fromEntries(Object.entries(details).filter(([, value]) => value.status !== 'down')),
      error: Object.fromEntries(down),
      details,
    };
  }
}
