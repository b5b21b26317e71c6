import { ProviderRegistration } from '@images/core';
import { CECSTACK_ENV_VARIABLES, CECSTACK_PROVIDER_ID, CecstackConfig, cecstackConfigFromEnv, cecstackSecrets } from './config';
import { CecstackProvider } from './provider';

export * from './auth';
export * from './client';
export * from './config';
export * from './errors';
export * from './mapper';
export * from './provider';
export * from './requests';

export const cecstackRegistration: ProviderRegistration<CecstackConfig> = {
  id: CECSTACK_PROVIDER_ID,
  envVariables: CECSTACK_ENV_VARIABLES,
  secretsOf: cecstackSecrets,
  fromEnv: cecstackConfigFromEnv,
  create: (config, deps) => new CecstackProvider(config, deps),
};
