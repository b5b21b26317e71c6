import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Operation } from '@images/core';
import { CatalogEngine } from '@images/catalog';
import { GatewayConfig } from '../config/gateway-config';
import { ProviderRouter, budgetContext } from '../providers/provider-router';
import { CATALOG_ENGINE, GATEWAY_CONFIG, LOGGER } from '../tokens';

/** Operations this replica has seen finish: their catalog was invalidated once, not on every later poll. */
const SETTLED_MEMORY = 1000;

/** `GET /operations/{id}`: a vendor job, polled at its provider. */
@Injectable()
export class OperationsService {
  private readonly settled = new Set<string>();

  constructor(
    private readonly router: ProviderRouter,
    @Inject(CATALOG_ENGINE) private readonly engine: CatalogEngine,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async get(id: string, requestId: string): Promise<Operation> {
    const { provider, localId } = this.router.owner(id, 'operation');
    const getOperation = this.router.operation(provider, 'getOperation');
    const { ctx, stopClock } = budgetContext(provider.id, this.config.providerTimeoutMs, requestId);
    let operation: Operation;
    try {
      operation = await getOperation(localId, ctx);
    } finally {
      stopClock();
    }
    if (operation.status !== 'running') await this.onSettled(provider.id, id);
    return operation;
  }

  /**
   * A job that has just finished changed the catalog (an image became available, or failed): the next list
   * must show it, as after any write.
   */
  private async onSettled(providerId: string, id: string): Promise<void> {
    if (this.settled.has(id)) return;
    this.settled.add(id);
    if (this.settled.size > SETTLED_MEMORY) this.settled.delete(this.settled.values().next().value!);
    await this.engine.invalidate(providerId).catch((error: Error) => this.logger.warn({ provider: providerId, err: error.message }, 'could not invalidate the catalog after an operation finished'));
  }
}
