import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CallContext, Capability, GatewayError, ImageProvider, OPERATION_CAPABILITY, OperationName, parseImageId } from '@images/core';
import { CatalogEngine } from '@images/catalog';
import { validationFailed } from '../common/validation';
import { CATALOG_ENGINE, LOGGER } from '../tokens';

const OPERATION_NAMES = Object.keys(OPERATION_CAPABILITY) as OperationName[];

/** A provider's write method, bound to it. */
export type BoundOperation<K extends OperationName> = NonNullable<ImageProvider[K]>;

export interface OwnedResource {
  provider: ImageProvider;
  /** The part of the gateway id after `{provider}:` (an image id, or a job id for operations). */
  localId: string;
}

/**
 * The one place a request finds its provider: by a gateway id (`{provider}:{id}`) or by a body's `provider`,
 * and the one place a missing operation becomes 501. What GET /providers lists comes from here too, so the
 * list and the 501s can never disagree.
 */
@Injectable()
export class ProviderRouter {
  constructor(
    @Inject(CATALOG_ENGINE) private readonly engine: CatalogEngine,
    @Inject(LOGGER) logger: Logger,
  ) {
    for (const id of engine.providerIds) {
      const provider = engine.provider(id)!;
      const declared = [...provider.capabilities].sort();
      const derived = this.capabilitiesOf(provider).slice().sort();
      // A provider that declares what it cannot do (or hides what it can) would mislead GET /providers.
      if (declared.join() !== derived.join()) logger.warn({ provider: id, declared, derived }, 'declared capabilities differ from the operations the provider implements; GET /providers lists the implemented ones');
    }
  }

  /** The owner of a gateway id; 404 for a malformed id or a provider that is not enabled. */
  owner(id: string, what: 'image' | 'operation' = 'image'): OwnedResource {
    const parsed = parseImageId(id);
    const provider = parsed ? this.engine.provider(parsed.provider) : undefined;
    if (!parsed || !provider) throw new GatewayError('NOT_FOUND', { detail: `there is no ${what} ${id}` });
    return { provider, localId: parsed.providerImageId };
  }

  /** The provider a body names; a provider that is not enabled is a validation failure of that field. */
  named(providerId: string, field = 'provider'): ImageProvider {
    const provider = this.engine.provider(providerId);
    if (!provider) throw validationFailed([{ field, message: `must be an enabled provider (${this.engine.providerIds.join(', ')})` }]);
    return provider;
  }

  /** The provider's method, bound; 501 UNSUPPORTED_OPERATION naming both when it has none. */
  operation<K extends OperationName>(provider: ImageProvider, name: K): BoundOperation<K> {
    const method = provider[name] as ((...args: never[]) => unknown) | undefined;
    if (typeof method !== 'function') {
      throw new GatewayError('UNSUPPORTED_OPERATION', {
        provider: provider.id,
        detail: `${provider.id} does not support ${name} (capability "${OPERATION_CAPABILITY[name]}"); GET /providers lists what each provider supports`,
      });
    }
    return method.bind(provider) as BoundOperation<K>;
  }

  /** The write operations a provider implements, by method name. */
  operationsOf(provider: ImageProvider): OperationName[] {
    return OPERATION_NAMES.filter((name) => typeof provider[name] === 'function');
  }

  /** What a provider can do, derived from what it implements: every listed capability answers. */
  capabilitiesOf(provider: ImageProvider): Capability[] {
    const capabilities = new Set<Capability>(['list']);
    if (typeof provider.getImage === 'function') capabilities.add('get');
    for (const name of this.operationsOf(provider)) capabilities.add(OPERATION_CAPABILITY[name]);
    return [...capabilities];
  }
}

/**
 * A CallContext whose signal aborts when `budgetMs` has passed (UPSTREAM_TIMEOUT) or `cancel` aborts (the caller
 * is gone). `stopClock()` ends the budget once the answer has begun (a download's body may take longer).
 */
export function budgetContext(provider: string, budgetMs: number, requestId: string, cancel?: AbortSignal): { ctx: CallContext; stopClock(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new GatewayError('UPSTREAM_TIMEOUT', { provider, detail: `${provider} did not answer within ${budgetMs} ms` })), budgetMs);
  timer.unref();
  if (cancel?.aborted) controller.abort(cancel.reason);
  else cancel?.addEventListener('abort', () => controller.abort(cancel.reason), { once: true });
  // The deadline lets reads inside the operation retry only when a retry still fits.
  return { ctx: { signal: controller.signal, deadline: performance.now() + budgetMs, requestId }, stopClock: () => clearTimeout(timer) };
}
