import { ConfigError, Env } from '@images/core';

export const UCLOUD_PROVIDER_ID = 'ucloud';
export const UCLOUD_DEFAULT_ENDPOINT = 'https://api.ucloud.cn';
export const UCLOUD_ENV_VARIABLES = ['UCLOUD_PUBLIC_KEY', 'UCLOUD_PRIVATE_KEY', 'UCLOUD_PROJECT_ID', 'UCLOUD_ENDPOINT'] as const;

export interface UcloudConfig {
  publicKey: string;
  privateKey: string;
  /** Sent as `ProjectId` when set (sub-accounts need it). */
  projectId?: string;
  /** Without a trailing slash. */
  endpoint: string;
}

/** API.md section 2: both keys enable UCloud, neither disables it, one alone stops the start-up. */
export function ucloudConfigFromEnv(env: Env): UcloudConfig | null {
  const publicKey = envValue(env, 'UCLOUD_PUBLIC_KEY');
  const privateKey = envValue(env, 'UCLOUD_PRIVATE_KEY');
  if (publicKey === undefined && privateKey === undefined) return null;
  if (privateKey === undefined) throw new ConfigError('UCLOUD_PRIVATE_KEY', 'is required when UCLOUD_PUBLIC_KEY is set');
  if (publicKey === undefined) throw new ConfigError('UCLOUD_PUBLIC_KEY', 'is required when UCLOUD_PRIVATE_KEY is set');
  const projectId = envValue(env, 'UCLOUD_PROJECT_ID');
  return {
    publicKey,
    privateKey,
    ...(projectId !== undefined ? { projectId } : {}),
    endpoint: parseEndpoint('UCLOUD_ENDPOINT', envValue(env, 'UCLOUD_ENDPOINT') ?? UCLOUD_DEFAULT_ENDPOINT),
  };
}

/** The public key too: it names the account, and the signature is only as private as the pair. */
export function ucloudSecrets(config: UcloudConfig): string[] {
  return [config.publicKey, config.privateKey];
}

/** A blank variable counts as unset, as `.env` files often carry `NAME=`. */
function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function parseEndpoint(variable: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, 'must be an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(variable, 'must be an http(s) URL');
  return raw.replace(/\/+$/, '');
}
