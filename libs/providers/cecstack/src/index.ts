import { ProviderRegistration } from '@images/core';
import { CECSTACK_ENV_VARIABLES, CECSTACK_PROVIDER_ID, CecstackConfig, cecstackConfigFromEnv, cecstackSecrets } from './config';
import { CecstackModule } from './cecstack.module';
import { CecstackProvider } from './provider';
import { CECSTACK_RULES } from './rules';

export * from './auth';
export * from './client';
export * from './config';
export * from './errors';
export * from './mapper';
export * from './provider';
export * from './requests';
export * from './rules';
export * from './cecstack.module';

export const cecstackRegistration: ProviderRegistration<CecstackConfig> = {
  id: CECSTACK_PROVIDER_ID,
  envVariables: CECSTACK_ENV_VARIABLES,
  secretsOf: cecstackSecrets,
  fromEnv: cecstackConfigFromEnv,
  rules: CECSTACK_RULES,
  create: (config, deps) => new CecstackProvider(config, deps),
  module: (config, context) => CecstackModule.forRoot(config, context),
};
