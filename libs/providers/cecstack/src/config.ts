import { ConfigError, Env, envValue, parseHttpEndpoint } from '@images/core';

export const CECSTACK_PROVIDER_ID = 'cecstack';

export const CECSTACK_ENV_VARIABLES = [
  'CECSTACK_ENDPOINT',
  'CECSTACK_TOKEN',
  'CECSTACK_REGION_ID',
  'CECSTACK_TENANT_ID',
  'CECSTACK_DEPARTMENT_ID',
  'CECSTACK_RESOURCE_GROUP_ID',
] as const;

export interface CecstackConfig {
  /** Origin (and optional path prefix), no trailing slash; `/api/image/v1/…` is appended. */
  endpoint: string;
  token: string;
  /** Sent as `x-regionid`; also the region of images that name none. */
  regionId: string;
  /** Defaults for writes that need them (not used by listing). */
  tenantId?: string;
  departmentId?: string;
  resourceGroupId?: string;
}

/** The vendor writes URLs as `https://{endpoint}/api/…`, so a bare host is read as https. */
function endpointUrl(value: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  return parseHttpEndpoint('CECSTACK_ENDPOINT', withScheme);
}

/** API.md section 2: endpoint, token and region all or none (null); ConfigError names the first one missing. */
export function cecstackConfigFromEnv(env: Env): CecstackConfig | null {
  const required = ['CECSTACK_ENDPOINT', 'CECSTACK_TOKEN', 'CECSTACK_REGION_ID'] as const;
  const [endpoint, token, regionId] = required.map((name) => envValue(env, name));
  if (!endpoint && !token && !regionId) return null;
  const missing = required.find((name) => !envValue(env, name));
  if (missing) throw new ConfigError(missing, 'is missing: CECSTACK_ENDPOINT, CECSTACK_TOKEN and CECSTACK_REGION_ID are set together');

  const optional = {
    tenantId: envValue(env, 'CECSTACK_TENANT_ID'),
    departmentId: envValue(env, 'CECSTACK_DEPARTMENT_ID'),
    resourceGroupId: envValue(env, 'CECSTACK_RESOURCE_GROUP_ID'),
  };
  return {
    endpoint: endpointUrl(endpoint as string),
    token: token as string,
    regionId: regionId as string,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}

export function cecstackSecrets(config: CecstackConfig): string[] {
  return [config.token];
}
