import { isIP } from 'node:net';
import { ConfigError, Env } from '@images/core';
import { flag, integer, list, optionalText } from './env';

/** What a caller may do (API.md section 8). */
export const SCOPES = ['images.read', 'images.write', 'images.files', 'ops'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyEntry {
  name: string;
  scopes: readonly Scope[];
  /** The SHA-256 of the key, as configured: the key itself never is. */
  sha256: Buffer;
}

export interface JwtConfig {
  jwksUrl: string;
  issuer: string | null;
  audience: string | null;
  /** The JWKS is refetched for an unknown `kid` at most this often (key rotation; a flood of forged kids). */
  refetchCooldownMs: number;
}

/** Who may call, and from which browsers. */
export interface CallersConfig {
  /** AUTH_DISABLED=true: no caller checks at all (the demo and local tests). */
  disabled: boolean;
  apiKeys: ApiKeyEntry[];
  jwt: JwtConfig | null;
  /** DOCS_PUBLIC=true: Swagger UI and the OpenAPI document answer without credentials. */
  docsPublic: boolean;
  /** Exact origins allowed to call from a browser; empty: no CORS headers at all. */
  corsOrigins: string[];
  /**
   * TRUST_PROXY (Fastify's trustProxy): whose X-Forwarded-For names the caller's address, for anonymous limits and the
   * access log. `false` (unset): nobody's; a comma list of proxy addresses or CIDRs; `true`: anyone's.
   */
  trustProxy: boolean | string;
}

/** How much one caller, one request and one download may take. */
export interface LimitsConfig {
  /** Per caller per minute, shared by every replica through Redis; 0: no limit. */
  requestsPerMinute: number;
  writesPerMinute: number;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  maxConnections: number;
  downloadMaxConcurrency: number;
  downloadMaxPerCaller: number;
  downloadStallMs: number;
  /** A young-generation collection after every this many MiB relayed per download in flight (ChunkReclaimer); 0: never. */
  downloadReclaimEveryMib: number;
  /** Open `GET /events` streams per caller on one replica. */
  eventsMaxStreamsPerCaller: number;
}

const KEY_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `name:scopes:sha256hex`, comma separated; scopes joined by `+`. */
function apiKeys(env: Env): ApiKeyEntry[] {
  const entries = list(env, 'AUTH_API_KEYS').map((entry, index) => {
    const [name, scopes, hash, ...rest] = entry.split(':');
    const where = `entry ${index + 1}`;
    if (rest.length > 0 || hash === undefined) throw new ConfigError('AUTH_API_KEYS', `${where} must be name:scopes:sha256hex`);
    if (!KEY_NAME.test(name)) throw new ConfigError('AUTH_API_KEYS', `${where}: the name must be 1–64 letters, digits, ".", "_" or "-"`);
    const named = scopes.split('+').filter(Boolean);
    const unknown = named.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
    if (named.length === 0 || unknown.length > 0) throw new ConfigError('AUTH_API_KEYS', `${where} (${name}): scopes must be some of ${SCOPES.join(', ')} joined by "+"`);
    if (!SHA256_HEX.test(hash)) throw new ConfigError('AUTH_API_KEYS', `${where} (${name}): the key must be given as its lowercase hex SHA-256 (64 characters), never the key itself`);
    return { name, scopes: [...new Set(named)] as Scope[], sha256: Buffer.from(hash, 'hex') };
  });
  const names = entries.map((entry) => entry.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new ConfigError('AUTH_API_KEYS', `the name ${repeated} is given twice`);
  const hashes = entries.map((entry) => entry.sha256.toString('hex'));
  const shared = entries.find((_entry, index) => hashes.indexOf(hashes[index]) !== index);
  if (shared !== undefined) throw new ConfigError('AUTH_API_KEYS', `${shared.name} has the same key as another entry: one key, one caller`);
  return entries;
}

/** https, or http to a loopback address only: whoever can change the JWKS on its way can mint tokens. A query is kept. */
function jwksUrl(raw: string): string {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    // refused below
  }
  const loopback = url !== null && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) || url.username || url.password || url.hash) {
    throw new ConfigError('AUTH_JWT_JWKS_URL', 'must be an https URL (http only to a loopback address), without user info or fragment');
  }
  return url.toString();
}

function trustProxyOf(raw: string | null): boolean | string {
  if (raw === null || raw === 'false') return false;
  if (raw === 'true') return true;
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => { const [address, prefix] = entry.split('/'); return isIP(address) === 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)); });
  if (bad !== undefined) throw new ConfigError('TRUST_PROXY', `"${bad}" is not an address or CIDR (or use true or false)`);
  return entries.join(',');
}

function origins(env: Env): string[] {
  return list(env, 'CORS_ORIGINS').map((origin) => {
    let url: URL | null = null;
    try {
      url = new URL(origin);
    } catch {
      // refused below
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin) {
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an exact origin such as https://app.example.com`);
    }
    return origin;
  });
}

export function loadCallersConfig(env: Env): CallersConfig {
  const disabled = flag(env, 'AUTH_DISABLED', false);
  const jwks = optionalText(env, 'AUTH_JWT_JWKS_URL');
  for (const name of ['AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE', 'AUTH_JWT_JWKS_COOLDOWN_MS']) {
    if (jwks === null && optionalText(env, name) !== null) throw new ConfigError(name, 'is set without AUTH_JWT_JWKS_URL, so no token would be checked against it');
  }
  const trustProxy = optionalText(env, 'TRUST_PROXY');
  const callers: CallersConfig = {
    disabled,
    apiKeys: apiKeys(env),
    jwt: jwks === null ? null : {
      jwksUrl: jwksUrl(jwks),
      issuer: optionalText(env, 'AUTH_JWT_ISSUER'),
      audience: optionalText(env, 'AUTH_JWT_AUDIENCE'),
      refetchCooldownMs: integer(env, 'AUTH_JWT_JWKS_COOLDOWN_MS', 30_000, 0, 3_600_000),
    },
    docsPublic: flag(env, 'DOCS_PUBLIC', false),
    corsOrigins: origins(env),
    trustProxy: trustProxyOf(trustProxy),
  };
  if (!disabled && callers.apiKeys.length === 0 && callers.jwt === null) {
    throw new ConfigError('AUTH_API_KEYS', 'no caller can be identified: set AUTH_API_KEYS or AUTH_JWT_JWKS_URL (or AUTH_DISABLED=true for a closed network)');
  }
  return callers;
}

export function loadLimitsConfig(env: Env): LimitsConfig {
  return {
    requestsPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 600, 0, 10_000_000),
    writesPerMinute: integer(env, 'RATE_LIMIT_WRITES_PER_MINUTE', 60, 0, 10_000_000),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 65_536, 1024, 64 * 1024 * 1024),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
    maxConnections: integer(env, 'MAX_CONNECTIONS', 2048, 16, 1_000_000),
    downloadMaxConcurrency: integer(env, 'DOWNLOAD_MAX_CONCURRENCY', 16, 1, 4096),
    downloadMaxPerCaller: integer(env, 'DOWNLOAD_MAX_PER_CALLER', 4, 1, 4096),
    downloadStallMs: integer(env, 'DOWNLOAD_STALL_MS', 30_000, 100, 3_600_000),
    downloadReclaimEveryMib: integer(env, 'DOWNLOAD_RECLAIM_EVERY_MIB', 2, 0, 1024),
    eventsMaxStreamsPerCaller: integer(env, 'EVENTS_MAX_STREAMS_PER_CALLER', 5, 1, 1000),
  };
}
