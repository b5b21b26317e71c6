import { ConfigError, Env, envValue, parseHttpEndpoint } from '@images/core';

export const DIDI_PROVIDER_ID = 'didi';
export const DIDI_DEFAULT_REGIONS = 'bj';
export const DIDI_DEFAULT_ENDPOINT = 'https://open.didiyunapi.com';
export const DIDI_ENV_VARIABLES = ['DIDI_TOKEN', 'DIDI_REGIONS', 'DIDI_ENDPOINT'] as const;

export interface DidiConfig {
  token: string;
  /** Distinct, in the configured order (the first region's copy of a multi-region image wins). */
  regions: string[];
  /** Without a trailing slash. */
  endpoint: string;
}

const REGION_ID = /^[a-z][a-z0-9-]*$/;

/** API.md section 2: DIDI_TOKEN enables DiDi; null when it is unset. */
export function didiConfigFromEnv(env: Env): DidiConfig | null {
  const token = envValue(env, 'DIDI_TOKEN');
  if (token === undefined) return null;
  return {
    token,
    regions: parseRegions(envValue(env, 'DIDI_REGIONS') ?? DIDI_DEFAULT_REGIONS),
    endpoint: parseHttpEndpoint('DIDI_ENDPOINT', envValue(env, 'DIDI_ENDPOINT') ?? DIDI_DEFAULT_ENDPOINT),
  };
}

export function didiSecrets(config: DidiConfig): string[] {
  return [config.token];
}

function parseRegions(raw: string): string[] {
  const regions = raw.split(',').map((region) => region.trim());
  const bad = regions.find((region) => !REGION_ID.test(region));
  if (bad !== undefined) {
    throw new ConfigError('DIDI_REGIONS', `must be a comma list of region ids like "bj,gz" (got "${bad}")`);
  }
  return [...new Set(regions)];
}
