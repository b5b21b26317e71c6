import type { DynamicModule } from '@nestjs/common';
import { Image } from './image';
import type { ImageOperations } from './operations';
import { SecretRedactor } from './redact';
import type { ProviderRules } from './rules';
import type { Tracer } from './tracing';
import type { VendorModuleContext } from './vendor-module';

/** What a provider can do; the gateway answers 501 for the rest and lists these in GET /providers. */
export const CAPABILITIES = [
  'list',
  'get',
  'create',
  'update',
  'delete',
  'copy',
  'upload',
  'download',
  'share',
  'export',
  'operations',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Per-call context handed to a provider by the engine. */
export interface CallContext {
  /** Aborts every socket of this call when the slice's budget is spent or the caller is gone. */
  signal: AbortSignal;
  /** The performance.now() time the budget ends, when there is one: retries must fit before it. */
  deadline?: number;
  requestId?: string;
}

/** One cloud's image catalog behind the gateway. One implementation per vendor folder. Writes are the optional `ImageOperations`. */
export interface ImageProvider extends ImageOperations {
  readonly id: string;
  readonly displayName: string;
  readonly capabilities: readonly Capability[];
  /**
   * A stable, non-reversible fingerprint of the account and endpoint the credentials reach.
   * Cache keys include it, so a change of account never serves another account's images.
   */
  readonly accountScope: string;
  /** Every image of the account: all upstream pages (and regions or lists), normalised. */
  listCatalog(ctx: CallContext): Promise<Image[]>;
  /** The cheapest exact lookup, when the vendor has one; null when the vendor has no such image. */
  getImage?(providerImageId: string, ctx: CallContext): Promise<Image | null>;
}

/** One outbound call as seen by metrics: emitted by the HTTP wrapper, never carries credentials. */
export interface UpstreamCallEvent {
  provider: string;
  operation: string;
  method: string;
  /** HTTP status, or 0 when no answer arrived. */
  httpStatus: number;
  /** Gateway problem code when the call failed, else undefined. */
  problemCode?: string;
  /** The vendor's own error code when it sent one. */
  vendorCode?: string;
  /** True when the vendor code is absent from the vendor's translation table. */
  unknownVendorCode?: boolean;
  /** The caller abandoned the call (e.g. another page of the catalog failed first): neither success nor a vendor error. */
  cancelled?: boolean;
  /** 1 for the first attempt of a logical call, 2 for its first retry, … */
  attempt?: number;
  latencyMs: number;
}

/** A failed attempt of an idempotent read about to be tried again. */
export interface UpstreamRetryEvent {
  provider: string;
  operation: string;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  problemCode: string;
  delayMs: number;
}

export interface UpstreamObserver {
  onUpstreamCall(event: UpstreamCallEvent): void;
  onUpstreamRetry?(event: UpstreamRetryEvent): void;
}

export interface ProviderLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** What the gateway hands a provider factory. */
export interface ProviderDeps {
  /** The account id the provider reports (image ids, errors, metrics); default the vendor's id (the one-account form). */
  providerId?: string;
  observer: UpstreamObserver;
  logger: ProviderLogger;
  /** Upper bound on concurrent upstream requests of this provider (bulkhead and socket pool size). */
  maxConcurrentRequests: number;
  /** Concurrent streamed downloads (a socket pool of their own, sized so the gateway's download cap never queues); default maxConcurrentRequests. */
  maxStreams?: number;
  /** The gateway's one redactor (every configured secret); a provider built alone makes its own from its secrets. */
  redactor?: SecretRedactor;
  /** Set only while tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT): a span per upstream attempt. Absent: no span work at all. */
  tracer?: Tracer;
}

/** The gateway's redactor, or one of the provider's own secrets when it is built alone (a unit test). */
export function providerRedactor(deps: ProviderDeps, ownSecrets: readonly string[]): SecretRedactor {
  return deps.redactor ?? new SecretRedactor(ownSecrets);
}

/** Raised by a registration's `fromEnv` for a bad or half-set variable; start-up prints its message as one line. */
export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * How a vendor plugs into the gateway: one object per vendor folder, one line in the registry.
 * `fromEnv` returns null when the provider's credentials are absent (disabled), throws ConfigError when half set.
 */
export interface ProviderRegistration<TConfig = unknown> {
  /** The vendor's id: also the provider id of its one-account environment form. */
  readonly id: string;
  readonly envVariables: readonly string[];
  readonly rules: ProviderRules;
  /** Values of these must never appear in logs, errors or metrics. */
  secretsOf(config: TConfig): string[];
  fromEnv(env: Env): TConfig | null;
  /** The provider itself (reporting `deps.providerId`), plain TypeScript (the vendor module calls this with its axios instance; unit tests call it directly). */
  create(config: TConfig, deps: ProviderDeps): ImageProvider;
  /** The vendor's Nest module for one account: it provides the ImageProvider under `imageProviderToken(context.providerId)`. */
  module(config: TConfig, context: VendorModuleContext): DynamicModule;
}
