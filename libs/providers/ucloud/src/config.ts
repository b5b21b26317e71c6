import { ConfigError, Env, envValue, parseHttpEndpoint } from '@images/core';

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
    endpoint: parseHttpEndpoint('UCLOUD_ENDPOINT', envValue(env, 'UCLOUD_ENDPOINT') ?? UCLOUD_DEFAULT_ENDPOINT),
  };
}

/** The public key too: it names the account, and the signature is only as private as the pair. */
export function ucloudSecrets(config: UcloudConfig): string[] {
  return [config.publicKey, config.privateKey];
}
