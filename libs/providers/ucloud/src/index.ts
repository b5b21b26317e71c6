import { ProviderRegistration } from '@images/core';
import { UCLOUD_ENV_VARIABLES, UCLOUD_PROVIDER_ID, UcloudConfig, ucloudConfigFromEnv, ucloudSecrets } from './config';
import { UcloudProvider } from './provider';
import { UcloudModule } from './ucloud.module';

export const ucloudRegistration: ProviderRegistration<UcloudConfig> = {
  id: UCLOUD_PROVIDER_ID,
  envVariables: UCLOUD_ENV_VARIABLES,
  secretsOf: ucloudSecrets,
  fromEnv: ucloudConfigFromEnv,
  // A read-only catalog: no write to constrain.
  rules: {},
  create: (config, deps) => new UcloudProvider(config, deps),
  module: (config, context) => UcloudModule.forRoot(config, context),
};

export * from './config';
export { flattenUcloudParams, signUcloudParams, ucloudSignature } from './auth';
export type { UcloudParamValue } from './auth';
export { UcloudClient, UCLOUD_LIST_ACTION, UCLOUD_PAGE_SIZE } from './client';
export { UCLOUD_RET_CODE_PROBLEMS, readUcloudEnvelope, ucloudBadResponse, ucloudRetCodeError } from './errors';
export { mapUcloudImage, ucloudOs } from './mapper';
export { UcloudProvider } from './provider';
export { UcloudModule } from './ucloud.module';
