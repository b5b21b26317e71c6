import { ProviderRegistration } from '@images/core';
import { HUAWEI_ENV_VARIABLES, HUAWEI_PROVIDER_ID, HuaweiConfig, huaweiConfigFromEnv, huaweiSecrets } from './config';
import { HuaweiModule } from './huawei.module';
import { HuaweiProvider } from './provider';

export * from './auth';
export * from './client';
export * from './config';
export * from './errors';
export * from './mapper';
export * from './provider';
export * from './huawei.module';

export const huaweiRegistration: ProviderRegistration<HuaweiConfig> = {
  id: HUAWEI_PROVIDER_ID,
  envVariables: HUAWEI_ENV_VARIABLES,
  secretsOf: huaweiSecrets,
  fromEnv: huaweiConfigFromEnv,
  // A read-only catalog: no write to constrain.
  rules: {},
  create: (config, deps) => new HuaweiProvider(config, deps),
  module: (config, context) => HuaweiModule.forRoot(config, context),
};
