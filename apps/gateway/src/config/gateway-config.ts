import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError, Env, ProviderRegistration } from '@images/core';
import { WebhookTarget, loadWebhookTargets } from '../webhooks/webhook-targets';
import { CallersConfig, LimitsConfig, loadCallersConfig, loadLimitsConfig } from './callers-config';
import { integer, oneOf, optionalText, withValuesFromFiles } from './env';
import { EnabledProvider, loadProviderAccounts } from './provider-accounts';
import { loadRedisSettings, REDIS_SECRET_VARIABLES, RedisSettings } from './redis-config';
import { otlpEndpoint } from '../tracing/tracing-config';

export type { EnabledProvider } from './provider-accounts';

/** Everything the gateway reads from its environment, validated once at start-up. */
export interface GatewayConfigValues {
  port: number;
  /** null: no Redis, catalogs and keys in process memory. */
  redis: RedisSettings | null;
  cacheTtlSeconds: number;
  cacheStaleSeconds: number;
  /** How long a read of a stale catalog waits for its refresh before the stale catalog answers. */
  staleWaitMs: number;
  providerTimeoutMs: number;
  cacheKeyPrefix: string;
  circuitFailureThreshold: number;
  circuitHalfOpenAfterMs: number;
  providerMaxConcurrency: number;
  logLevel: string;
  /** After SIGTERM, how long readiness answers 503 while traffic is still served (lets load balancers notice). */
  shutdownDelayMs: number;
  /** Then how long in-flight requests may take before their connections are cut. */
  shutdownGraceMs: number;
  providers: EnabledProvider[];
  callers: CallersConfig;
  /** WEBHOOKS_FILE's receivers of catalog events; none without it. */
  webhooks: WebhookTarget[];
  limits: LimitsConfig;
  /** The OTLP/HTTP collector traces are exported to (OTEL_EXPORTER_OTLP_ENDPOINT); null: tracing off. */
  otlpEndpoint: string | null;
  /** `GET /events`: how many events the stream keeps for reconnects, and how often an idle stream says it is alive. */
  events: { streamMaxLength: number; heartbeatMs: number; ticketTtlSeconds: number };
  /** Every configured credential value: scrubbed from logs, problems and metrics. */
  secrets: string[];
}

/** The validated configuration, injected by this class token (ConfigModule). */
export interface GatewayConfig extends Readonly<GatewayConfigValues> {}
export class GatewayConfig {
  constructor(values: GatewayConfigValues) {
    Object.assign(this, values);
  }
}

/** The process environment over a `.env` file in the working directory (the environment wins). */
export function readEnvironment(processEnv: NodeJS.ProcessEnv = process.env, dotenvPath = '.env'): Env {
  const fromFile = existsSync(dotenvPath) ? parseEnv(readFileSync(dotenvPath, 'utf8')) : {};
  return { ...fromFile, ...processEnv };
}

/** Variables that may instead be read from a file (`NAME_FILE`): every provider's, and those that carry a secret. */
const FILE_BACKED_VARIABLES = [...REDIS_SECRET_VARIABLES, 'AUTH_API_KEYS'];

export function loadGatewayConfig(given: Env, registrations: readonly ProviderRegistration<any>[]): GatewayConfig {
  // With PROVIDERS_FILE the per-vendor variables (and their NAME_FILE forms) are not read.
  const providersFile = optionalText(given, 'PROVIDERS_FILE');
  const vendorVariables = providersFile === null ? registrations.flatMap((registration) => registration.envVariables) : [];
  const env = withValuesFromFiles(given, [...vendorVariables, ...FILE_BACKED_VARIABLES]);
  const { providers, secrets } = loadProviderAccounts(env, providersFile, registrations);
  const redis = loadRedisSettings(env, secrets);
  const callers = loadCallersConfig(env);
  const webhooks = loadWebhookTargets(optionalText(env, 'WEBHOOKS_FILE'));
  secrets.push(...webhooks.secrets);
  // The key hashes are not the keys, but a leaked hash can be attacked offline: kept out of every output too.
  secrets.push(...callers.apiKeys.map((key) => key.sha256.toString('hex')));
  return new GatewayConfig({
    port: integer(env, 'PORT', 3000, 0, 65535),
    redis,
    cacheTtlSeconds: integer(env, 'CACHE_TTL_SECONDS', 60, 1, 86_400),
    cacheStaleSeconds: integer(env, 'CACHE_STALE_SECONDS', 600, 0, 604_800),
    staleWaitMs: integer(env, 'STALE_WAIT_MS', 300, 0, 120_000),
    providerTimeoutMs: integer(env, 'PROVIDER_TIMEOUT_MS', 5000, 50, 120_000),
    cacheKeyPrefix: optionalText(env, 'CACHE_KEY_PREFIX') ?? 'images-gw:',
    circuitFailureThreshold: integer(env, 'CIRCUIT_FAILURE_THRESHOLD', 5, 1, 1000),
    circuitHalfOpenAfterMs: integer(env, 'CIRCUIT_HALF_OPEN_AFTER_MS', 10_000, 100, 3_600_000),
    providerMaxConcurrency: integer(env, 'PROVIDER_MAX_CONCURRENCY', 8, 1, 256),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    shutdownDelayMs: integer(env, 'SHUTDOWN_DELAY_MS', 2000, 0, 120_000),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    providers,
    callers,
    webhooks: webhooks.targets,
    limits: loadLimitsConfig(env),
    otlpEndpoint: otlpEndpoint(env, secrets),
    events: {
      streamMaxLength: integer(env, 'EVENTS_STREAM_MAX_LENGTH', 10_000, 10, 10_000_000),
      heartbeatMs: integer(env, 'EVENTS_HEARTBEAT_MS', 15_000, 100, 300_000),
      ticketTtlSeconds: integer(env, 'EVENTS_TICKET_TTL_SECONDS', 60, 5, 3600),
    },
    secrets,
  });
}
