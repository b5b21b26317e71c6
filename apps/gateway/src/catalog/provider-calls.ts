import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CatalogEngine } from '@images/catalog';
import { CallContext, ImageProvider, OperationName, callBudget } from '@images/core';
import { LOGGER } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { BoundOperation, ProviderDirectory } from '../providers/provider-directory';

/**
 * A provider operation as every route calls it: 501 when the provider has none, inside the provider's time budget,
 * and after a write the provider's cached catalog dropped (every replica's) before the caller hears back.
 */
@Injectable()
export class ProviderCalls {
  constructor(
    private readonly directory: ProviderDirectory,
    private readonly engine: CatalogEngine,
    private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * One operation inside PROVIDER_TIMEOUT_MS. The budget ends when the operation's promise settles (a download's body
   * may take longer); `cancel` (the caller leaving) cuts the call at any time.
   */
  async read<K extends OperationName, R>(
    provider: ImageProvider, name: K, requestId: string, invoke: (operation: BoundOperation<K>, ctx: CallContext) => Promise<R>, cancel?: AbortSignal,
  ): Promise<R> {
    const operation = this.directory.operation(provider, name);
    const budget = callBudget(provider.id, this.config.providerTimeoutMs, requestId, cancel);
    try {
      return await invoke(operation, budget.ctx);
    } finally {
      budget.stop();
    }
  }

  /** A write: `read`, then, on success, the provider's catalog invalidated (read-your-writes). */
  async write<K extends OperationName, R>(provider: ImageProvider, name: K, requestId: string, invoke: (operation: BoundOperation<K>, ctx: CallContext) => Promise<R>): Promise<R> {
    const result = await this.read(provider, name, requestId, invoke);
    await this.invalidate(provider.id, 'a write');
    return result;
  }

  /** The provider's catalog changed (`after` says how); a cache that cannot be reached ages out by its TTL instead. */
  async invalidate(providerId: string, after: 'a write' | 'an operation finished'): Promise<void> {
    try {
      await this.engine.invalidate(providerId);
    } catch (error) {
      this.logger.warn({ provider: providerId, err: (error as Error).message }, `could not invalidate the catalog after ${after}`);
      return;
    }
    // Learnt at once, in the background: the change reaches event subscribers and webhooks without waiting for a
    // reader, and the next list finds the catalog fetched (or joins the fetch). Never rejects; the answer does not wait.
    void this.engine.slices([providerId], { bypassCache: false });
  }
}
