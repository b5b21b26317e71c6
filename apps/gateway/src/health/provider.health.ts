import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { CatalogEngine, ProviderState } from '@images/catalog';

/**
 * Each provider: `up`, or `degraded` while its circuit is not closed or its last fetch failed. Never `down`: a vendor
 * outage is that vendor's slice's business, never a reason to stop serving the others.
 */
@Injectable()
export class ProviderHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly engine: CatalogEngine,
  ) {}

  check(): HealthIndicatorResult[] {
    return this.engine.states().map((state) => {
      const key = `provider:${state.id}`;
      const details = { circuit: state.circuit, lastSuccessAt: state.lastSuccessAt, lastError: state.lastError };
      if (!isDegraded(state)) return this.indicators.check(key).up(details);
      // Terminus knows up and down only: degraded is a status of ours, in the same shape.
      return { [key]: { status: 'degraded', ...details } } as unknown as HealthIndicatorResult;
    });
  }
}

function isDegraded(state: ProviderState): boolean {
  if (state.circuit !== 'closed') return true;
  return state.lastError !== null && (state.lastSuccessAt === null || state.lastError.at > state.lastSuccessAt);
}
