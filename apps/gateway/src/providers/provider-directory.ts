import type { Logger } from 'pino';
import { Capability, GatewayError, ImageProvider, OPERATION_CAPABILITY, OperationName, ProviderRules, RuledWrite, parseImageId, shareUsersErrors, writeFieldErrors } from '@images/core';
import { validationFailed } from '../common/validation';

const OPERATION_NAMES = Object.keys(OPERATION_CAPABILITY) as OperationName[];

/** At most 128 characters, no path separators or control characters, and not a dot segment. */
const VENDOR_ID = /^[^/\\\p{Cc}]{1,128}$/u;

function isVendorIdSyntax(id: string): boolean {
  return VENDOR_ID.test(id) && id !== '.' && id !== '..';
}

/** An id as the problem may repeat it: printable and short. */
function safeEcho(id: string): string {
  const printable = id.replace(/\p{Cc}/gu, '?');
  return printable.length > 160 ? `${printable.slice(0, 160)}…` : printable;
}

/** A provider's write method, bound to it. */
export type BoundOperation<K extends OperationName> = NonNullable<ImageProvider[K]>;

export interface OwnedResource {
  provider: ImageProvider;
  /** The part of the gateway id after `{provider}:` (an image id, or a job id for operations). */
  localId: string;
}

/** What the gateway knows of an account besides its provider: its vendor, whose rules it follows. */
export interface ProviderAccount {
  vendor: string;
  rules: ProviderRules;
}

/**
 * The enabled providers, and the one place a request finds its provider: by a gateway id (`{provider}:{id}`) or by a
 * body's `provider`. Also the one place a missing operation becomes 501 and a vendor's declared rules are checked.
 * What GET /providers lists comes from here too, so the list and the 501s can never disagree.
 */
export class ProviderDirectory {
  private readonly byId: ReadonlyMap<string, { provider: ImageProvider; account: ProviderAccount }>;

  /** `accounts` by provider id; a provider without one is its own vendor, without rules (tests' fakes). */
  constructor(readonly all: readonly ImageProvider[], accounts: ReadonlyMap<string, ProviderAccount>, logger: Pick<Logger, 'warn'>) {
    this.byId = new Map(all.map((provider) => [provider.id, { provider, account: accounts.get(provider.id) ?? { vendor: provider.id, rules: {} } }]));
    for (const provider of all) {
      const declared = [...provider.capabilities].sort();
      const derived = this.capabilitiesOf(provider).slice().sort();
      // A provider that declares what it cannot do (or hides what it can) would mislead GET /providers.
      if (declared.join() !== derived.join()) logger.warn({ provider: provider.id, declared, derived }, 'declared capabilities differ from the operations the provider implements; GET /providers lists the implemented ones');
    }
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }

  get(id: string): ImageProvider | undefined {
    return this.byId.get(id)?.provider;
  }

  /**
   * The owner of a gateway id; 404 for a malformed id, a provider that is not enabled, or a vendor id no vendor could
   * have issued (it would be sent in a vendor URL path: `..` or `/` would reach another resource).
   */
  owner(id: string, what: 'image' | 'operation' = 'image'): OwnedResource {
    const parsed = parseImageId(id);
    const provider = parsed && isVendorIdSyntax(parsed.providerImageId) ? this.get(parsed.provider) : undefined;
    if (!parsed || !provider) throw new GatewayError('NOT_FOUND', { detail: `there is no ${what} ${safeEcho(id)}` });
    return { provider, localId: parsed.providerImageId };
  }

  /** The provider a body names; a provider that is not enabled is a validation failure of that field. */
  named(providerId: string, field = 'provider'): ImageProvider {
    const provider = this.get(providerId);
    if (!provider) throw validationFailed([{ field, message: `must be an enabled provider (${this.ids.join(', ')})` }]);
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

  /** VALIDATION_FAILED naming every field the provider does not take for this write, or needs and misses. */
  checkWriteFields(write: RuledWrite, providerId: string, body: object): void {
    const errors = writeFieldErrors(this.rulesOf(providerId), write, providerId, body);
    if (errors.length > 0) throw validationFailed(errors);
  }

  /** VALIDATION_FAILED when one share call would name more users than the provider takes. */
  checkShareUsers(providerId: string, userIds: readonly string[]): void {
    const errors = shareUsersErrors(this.rulesOf(providerId), providerId, userIds);
    if (errors.length > 0) throw validationFailed(errors);
  }

  rulesOf(providerId: string): ProviderRules {
    return this.byId.get(providerId)?.account.rules ?? {};
  }

  /** The vendor an account is of (the id itself in the one-account form). */
  vendorOf(providerId: string): string {
    return this.byId.get(providerId)?.account.vendor ?? providerId;
  }
}
