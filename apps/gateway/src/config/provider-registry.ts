import { ProviderRegistration } from '@images/core';
import { cecstackRegistration } from '@images/providers/cecstack';
import { didiRegistration } from '@images/providers/didi';
import { huaweiRegistration } from '@images/providers/huawei';
import { ucloudRegistration } from '@images/providers/ucloud';

/** Every vendor the gateway can serve. A new vendor is one folder under libs/providers and one line here. */
export const PROVIDER_REGISTRATIONS: readonly ProviderRegistration<any>[] = [
  didiRegistration,
  huaweiRegistration,
  ucloudRegistration,
  cecstackRegistration,
];
