import { ProviderRegistration } from '@images/core';
import { UCLOUD_ENV_VARIABLES, UCLOUD_PROVIDER_ID, UcloudConfig, ucloudConfigFromEnv, ucloudSecrets } from './config';
import { UcloudProvider } from './provider';

export const ucloudRegistration: ProviderRegistration<UcloudConfig> = {
  id: UCLOUD_PROVIDER_ID,
  envVariables: UCLOUD_ENV_VARIABLES,
  secretsOf: ucloudSecrets,
  fromEnv: ucloudConfigFromEnv,
  create: (config, deps) => new UcloudProvider(config, deps),
};

export * from './config';
export { flattenUcloudParams, signUcloudParams, ucloudSignature } from './auth';
export type { UcloudParamValue } from './auth';
export { UcloudClient, UCLOUD_LIST_ACTION, UCLOUD_PAGE_SIZE } from './client';
export { UCLOUD_RET_CODE_PROBLEMS, readUcloudEnvelope, ucloudBadResponse, ucloudRetCodeError } from './errors';
export { mapUcloudImage, ucloudOs } from './mapper';
export { UcloudProvider } from './provider';
