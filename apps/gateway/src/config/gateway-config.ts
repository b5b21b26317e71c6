import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError, Env, ProviderRegistration } from '@images/core';
import { CallersConfig, LimitsConfig, loadCallersConfig, loadLimitsConfig } from './callers-config';
import { integer, oneOf, optionalText, safeDecode, safeUrl, withValuesFromFiles } from './env';
import { otlpEndpoint } from '../tracing/tracing-config';

export interface EnabledProvider {
  registration: ProviderRegistration<unknown>;
  config: unknown;
}

/** Everything the gateway reads from its environment, validated once at start-up. */
export interface GatewayConfigValues {
  port: number;
  redisUrl: string | null;
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
  limits: LimitsConfig;
  /** The OTLP/HTTP collector traces are exported to (OTEL_EXPORTER_OTLP_ENDPOINT); null: tracing off. */
  otlpEndpoint: string | null;
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
const FILE_BACKED_VARIABLES = ['REDIS_URL', 'AUTH_API_KEYS'];

export function loadGatewayConfig(given: Env, registrations: readonly ProviderRegistration<any>[]): GatewayConfig {
  const env = withValuesFromFiles(given, [...registrations.flatMap((registration) => registration.envVariables), ...FILE_BACKED_VARIABLES]);
  const providers: EnabledProvider[] = [];
  const secrets: string[] = [];
  for (const registration of registrations) {
    const config = registration.fromEnv(env);
    if (config === null) continue;
    providers.push({ registration, config });
    secrets.push(...registration.secretsOf(config));
  }
  if (providers.length === 0) {
    const variables = registrations.map((r) => r.envVariables[0]).join(', ');
    throw new ConfigError(variables, 'no provider is enabled: set the credentials of at least one provider');
  }
  const redisUrl = optionalText(env, 'REDIS_URL');
  if (redisUrl !== null && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  if (redisUrl !== null) {
    const url = safeUrl(redisUrl);
    if (!url) throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
    if (url.password) secrets.push(url.password, safeDecode(url.password));
  }
  const callers = loadCallersConfig(env);
  // The key hashes are not the keys, but a leaked hash can be attacked offline: kept out of every output too.
  secrets.push(...callers.apiKeys.map((key) => key.sha256.toString('hex')));
  return new GatewayConfig({
    port: integer(env, 'PORT', 3000, 0, 65535),
    redisUrl,
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
    limits: loadLimitsConfig(env),
    otlpEndpoint: otlpEndpoint(env, secrets),
    secrets,
  });
}
