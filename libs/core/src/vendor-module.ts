import type { DynamicModule, Type } from '@nestjs/common';
import type { ProviderDeps } from './provider';

// The contract between the gateway and a vendor's Nest module (`libs/providers/<vendor>/src/<vendor>.module.ts`).
// Plain tokens and types: core stays free of framework code.

/** Injection token of one enabled provider's ImageProvider. */
export function imageProviderToken(providerId: string): string {
  return `ImageProvider:${providerId}`;
}

/** Injection token of the gateway's ProviderDepsSource. */
export const PROVIDER_DEPS = Symbol('PROVIDER_DEPS');

/** Hands each provider its observer, logger and redactor. */
export interface ProviderDepsSource {
  depsFor(providerId: string): ProviderDeps;
}

/** What the gateway tells a vendor's module when it enables the vendor. */
export interface VendorModuleContext {
  /** The account id the provider is enabled under (the vendor's id in the one-account environment form). */
  providerId: string;
  /** A module that provides PROVIDER_DEPS. */
  depsModule: Type | DynamicModule;
  /** Sockets in the vendor's keep-alive pool: also its cap on concurrent API calls. */
  maxSockets: number;
  /** A backstop on one HTTP exchange; budgets end calls earlier, by their abort signal. */
  timeoutMs: number;
}
