import { ProviderRegistration } from '@images/core';
import { DIDI_ENV_VARIABLES, DIDI_PROVIDER_ID, DidiConfig, didiConfigFromEnv, didiSecrets } from './config';
import { DidiModule } from './didi.module';
import { DidiProvider } from './provider';
import { DIDI_RULES } from './rules';

export const didiRegistration: ProviderRegistration<DidiConfig> = {
  id: DIDI_PROVIDER_ID,
  envVariables: DIDI_ENV_VARIABLES,
  secretsOf: didiSecrets,
  fromEnv: didiConfigFromEnv,
  rules: DIDI_RULES,
  create: (config, deps) => new DidiProvider(config, deps),
  module: (config, context) => DidiModule.forRoot(config, context),
};

export * from './config';
export { didiAuthHeaders } from './auth';
export {
  DidiClient, DIDI_CIMG_LIST_PATH, DIDI_CIMG_CREATE_PATH, DIDI_CIMG_IMPORT_PATH, DIDI_CIMG_DELETE_PATH, DIDI_CIMG_CHANGE_NAME_PATH,
  DIDI_JOB_RESULT_PATH, DIDI_PAGE_SIZE,
} from './client';
export type { DidiCreateCimg, DidiImportCimg, DidiJob } from './client';
export { DIDI_ERRNO_PROBLEMS, didiErrnoError, didiBadResponse, readDidiEnvelope } from './errors';
export { didiJobId, parseDidiJobId, mapDidiJob, didiJobFailure } from './jobs';
export { mapDidiImage, mergeRegionalImages, didiStatus, didiVisibility } from './mapper';
export { DidiProvider } from './provider';
export { DidiModule } from './didi.module';
export { DIDI_RULES } from './rules';
