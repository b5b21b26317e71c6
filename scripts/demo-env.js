// The gateway environment that wires every provider to the running vendor simulators, as `npm run demo` runs it:
// scripts/demo.js starts the demo with it, scripts/openapi.js generates docs/openapi.json for this deployment.
'use strict';

/** `running` is what the simulator's startVendorSim() resolved to. */
function demoProviderEnv(running) {
  const c = running.credentials;
  return {
    DIDI_TOKEN: c.didiToken, DIDI_ENDPOINT: running.urls.didi, DIDI_REGIONS: 'bj,gz',
    HUAWEI_PROJECT_ID: c.huaweiProjectId, HUAWEI_AK: c.huaweiAk, HUAWEI_SK: c.huaweiSk, HUAWEI_ENDPOINT: running.urls.huawei,
    UCLOUD_PUBLIC_KEY: c.ucloudPublicKey, UCLOUD_PRIVATE_KEY: c.ucloudPrivateKey, UCLOUD_ENDPOINT: running.urls.ucloud,
    CECSTACK_ENDPOINT: running.urls.cecstack, CECSTACK_TOKEN: c.cecstackToken, CECSTACK_REGION_ID: c.cecstackRegionId,
    // The simulated CECSTACK account (its doc examples' tenant and department): create and copy need them.
    CECSTACK_TENANT_ID: '7074927169066926081', CECSTACK_DEPARTMENT_ID: '7074631167051202560',
  };
}

module.exports = { demoProviderEnv };
