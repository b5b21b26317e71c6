import { DEFAULT_SIM_CREDENTIALS, startVendorSim } from './sim';

// Standalone simulators on fixed ports: admin = base, then didi, huawei, ucloud, cecstack.

function integerFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text)) {
    console.error(`${name} must be a non-negative integer, got "${text}"`);
    process.exit(1);
  }
  return Number(text);
}

async function main(): Promise<void> {
  const base = integerFromEnv('SIM_PORT_BASE', 4100);
  const sim = await startVendorSim({
    host: process.env['SIM_HOST'] || '127.0.0.1',
    ports: { admin: base, didi: base + 1, huawei: base + 2, ucloud: base + 3, cecstack: base + 4 },
    latencyMs: integerFromEnv('SIM_LATENCY_MS', 0),
    // The CECSTACK account's own images: a catalog of any size for benchmarks (800, 8,000, 80,000 …).
    cecstackPrivateImages: integerFromEnv('SIM_CATALOG_SCALE', 70),
  });
  const c = DEFAULT_SIM_CREDENTIALS;
  console.log(
    [
      'vendor-sim listening',
      `  admin     ${sim.urls.admin}`,
      `  didi      ${sim.urls.didi}`,
      `  huawei    ${sim.urls.huawei}`,
      `  ucloud    ${sim.urls.ucloud}`,
      `  cecstack  ${sim.urls.cecstack}`,
      'gateway environment for these simulators (fake credentials):',
      `  DIDI_ENDPOINT=${sim.urls.didi} DIDI_TOKEN=${c.didiToken} DIDI_REGIONS=bj,gz`,
      `  HUAWEI_ENDPOINT=${sim.urls.huawei} HUAWEI_PROJECT_ID=${c.huaweiProjectId} HUAWEI_AK=${c.huaweiAk} HUAWEI_SK=${c.huaweiSk}`,
      `  UCLOUD_ENDPOINT=${sim.urls.ucloud} UCLOUD_PUBLIC_KEY=${c.ucloudPublicKey} UCLOUD_PRIVATE_KEY=${c.ucloudPrivateKey}`,
      `  CECSTACK_ENDPOINT=${sim.urls.cecstack} CECSTACK_TOKEN=${c.cecstackToken} CECSTACK_REGION_ID=${c.cecstackRegionId}`,
    ].join('\n'),
  );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`vendor-sim: ${signal}, closing`);
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('vendor-sim failed to start:', error);
  process.exit(1);
});
