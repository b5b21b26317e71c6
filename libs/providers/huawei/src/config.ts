import { ConfigError, Env, envValue, parseHttpEndpoint } from '@images/core';

export const HUAWEI_PROVIDER_ID = 'huawei';
export const HUAWEI_DEFAULT_REGION = 'cn-north-4';

export const HUAWEI_ENV_VARIABLES = ['HUAWEI_PROJECT_ID', 'HUAWEI_AK', 'HUAWEI_SK', 'HUAWEI_TOKEN', 'HUAWEI_REGION', 'HUAWEI_ENDPOINT'] as const;

export type HuaweiCredentials =
  | { kind: 'aksk'; accessKey: string; secretKey: string }
  | { kind: 'token'; token: string };

export interface HuaweiConfig {
  /** Origin (and optional path prefix), no trailing slash. */
  endpoint: string;
  region: string;
  projectId: string;
  /** The credential in use: AK/SK when both forms are set. */
  credentials: HuaweiCredentials;
  /** HUAWEI_TOKEN when AK/SK took precedence: unused, but still a secret to keep out of logs. */
  ignoredToken?: string;
}

/** API.md section 2. Null when no Huawei variable that enables it is set; ConfigError for half a credential. */
export function huaweiConfigFromEnv(env: Env): HuaweiConfig | null {
  const projectId = envValue(env, 'HUAWEI_PROJECT_ID');
  const accessKey = envValue(env, 'HUAWEI_AK');
  const secretKey = envValue(env, 'HUAWEI_SK');
  const token = envValue(env, 'HUAWEI_TOKEN');
  if (!projectId && !accessKey && !secretKey && !token) return null;

  if (accessKey && !secretKey) throw new ConfigError('HUAWEI_SK', 'is required with HUAWEI_AK');
  if (secretKey && !accessKey) throw new ConfigError('HUAWEI_AK', 'is required with HUAWEI_SK');
  if (!accessKey && !token) throw new ConfigError('HUAWEI_AK', 'HUAWEI_AK and HUAWEI_SK, or HUAWEI_TOKEN, are required with HUAWEI_PROJECT_ID');
  if (!projectId) throw new ConfigError('HUAWEI_PROJECT_ID', 'is required with Huawei credentials');

  const region = envValue(env, 'HUAWEI_REGION') ?? HUAWEI_DEFAULT_REGION;
  // The region becomes part of the default host name.
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region)) throw new ConfigError('HUAWEI_REGION', 'is not a region id like cn-north-4');
  const endpoint = parseHttpEndpoint('HUAWEI_ENDPOINT', envValue(env, 'HUAWEI_ENDPOINT') ?? `https://workspace.${region}.myhuaweicloud.com`);

  const credentials: HuaweiCredentials =
    accessKey && secretKey ? { kind: 'aksk', accessKey, secretKey } : { kind: 'token', token: token as string };
  const ignoredToken = credentials.kind === 'aksk' ? token : undefined;
  return { endpoint, region, projectId, credentials, ...(ignoredToken ? { ignoredToken } : {}) };
}

/** Every credential value of the config (token, AK, SK), used or not. */
export function huaweiSecrets(config: HuaweiConfig): string[] {
  const { credentials } = config;
  const inUse = credentials.kind === 'aksk' ? [credentials.accessKey, credentials.secretKey] : [credentials.token];
  return config.ignoredToken ? [...inUse, config.ignoredToken] : inUse;
}
