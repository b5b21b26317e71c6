import { ConfigError, Env } from '@images/core';
import { list, optionalText, safeDecode, safeUrl } from './env';

export interface RedisNode {
  host: string;
  port: number;
}

/** Where the shared cache lives: one server (REDIS_URL), a Redis Cluster, or a master found through Sentinel. */
export type RedisSettings =
  | { mode: 'standalone'; url: string; password: string | null }
  | { mode: 'cluster'; nodes: RedisNode[]; password: string | null }
  | { mode: 'sentinel'; sentinels: RedisNode[]; masterName: string; password: string | null; sentinelPassword: string | null };

/** The Redis variables that carry a secret, so may be read from `NAME_FILE`. */
export const REDIS_SECRET_VARIABLES = ['REDIS_URL', 'REDIS_PASSWORD', 'REDIS_SENTINEL_PASSWORD'];

const TARGETS = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const;

/**
 * At most one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS (null: none, the in-process cache). Passwords go
 * to `secrets`, in every form a log line could carry them.
 */
export function loadRedisSettings(env: Env, secrets: string[]): RedisSettings | null {
  const targets = TARGETS.filter((name) => optionalText(env, name) !== null);
  if (targets.length > 1) throw new ConfigError(targets.join(', '), 'give only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS');
  const password = optionalText(env, 'REDIS_PASSWORD');
  const sentinelPassword = optionalText(env, 'REDIS_SENTINEL_PASSWORD');
  for (const secret of [password, sentinelPassword]) if (secret !== null) secrets.push(secret);
  if (sentinelPassword !== null && targets[0] !== 'REDIS_SENTINELS') throw new ConfigError('REDIS_SENTINEL_PASSWORD', 'is only used with REDIS_SENTINELS');
  if (optionalText(env, 'REDIS_SENTINEL_NAME') !== null && targets[0] !== 'REDIS_SENTINELS') throw new ConfigError('REDIS_SENTINEL_NAME', 'is only used with REDIS_SENTINELS');
  switch (targets[0]) {
    case undefined:
      if (password !== null) throw new ConfigError('REDIS_PASSWORD', 'is set without REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS');
      return null;
    case 'REDIS_URL':
      return { mode: 'standalone', url: redisUrl(env, password, secrets), password };
    case 'REDIS_CLUSTER_NODES':
      return { mode: 'cluster', nodes: nodes(env, 'REDIS_CLUSTER_NODES'), password };
    case 'REDIS_SENTINELS': {
      const masterName = optionalText(env, 'REDIS_SENTINEL_NAME');
      if (masterName === null) throw new ConfigError('REDIS_SENTINEL_NAME', 'must name the master the sentinels watch (REDIS_SENTINELS is set)');
      return { mode: 'sentinel', sentinels: nodes(env, 'REDIS_SENTINELS'), masterName, password, sentinelPassword };
    }
  }
}

function redisUrl(env: Env, password: string | null, secrets: string[]): string {
  const text = optionalText(env, 'REDIS_URL')!;
  const url = /^rediss?:\/\/[^\s]+$/.test(text) ? safeUrl(text) : null;
  if (!url) throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  if (url.password) {
    secrets.push(url.password, safeDecode(url.password));
    if (password !== null) throw new ConfigError('REDIS_PASSWORD', 'and a password in REDIS_URL are both set: give one of them');
  }
  return text;
}

/** A comma list of `host:port` (an IPv6 address in brackets). */
function nodes(env: Env, name: string): RedisNode[] {
  const entries = list(env, name);
  if (entries.length === 0) throw new ConfigError(name, 'must be a comma list of host:port');
  return entries.map((entry) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) throw new ConfigError(name, `must be a comma list of host:port, got "${entry}"`);
    return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
  });
}

/** Where Redis is, for the start-up log: never a password. */
export function describeRedis(settings: RedisSettings): string {
  const hostPorts = (nodes: RedisNode[]) => nodes.map((node) => `${node.host.includes(':') ? `[${node.host}]` : node.host}:${node.port}`).join(',');
  switch (settings.mode) {
    case 'standalone': {
      const url = safeUrl(settings.url);
      if (!url) return 'redis';
      if (url.password) url.password = '***';
      return url.toString();
    }
    case 'cluster':
      return `cluster ${hostPorts(settings.nodes)}`;
    case 'sentinel':
      return `sentinel ${settings.masterName} via ${hostPorts(settings.sentinels)}`;
  }
}
