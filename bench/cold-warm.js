#!/usr/bin/env node
// Benchmark (not a test): cold and warm GET /images over the four simulated vendors, each upstream page delayed.
// Usage: npm run bench   (env: SIM_LATENCY_MS=300, COLD_RUNS=10, WARM_SECONDS=10, WARM_CONNECTIONS=50, BENCH_REDIS_URL=redis://127.0.0.1:6379/13)
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const autocannon = require('autocannon');

const root = path.resolve(__dirname, '..');
const { startVendorSim } = require(path.join(root, 'dist/apps/vendor-sim/apps/vendor-sim/src/index.js'));
const pageLatencyMs = Number(process.env.SIM_LATENCY_MS || 300);
const coldRuns = Number(process.env.COLD_RUNS || 10);
const warmSeconds = Number(process.env.WARM_SECONDS || 10);
const warmConnections = Number(process.env.WARM_CONNECTIONS || 50);
const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/13';
const port = Number(process.env.BENCH_PORT || 3300);

async function main() {
  const sim = await startVendorSim({ host: '127.0.0.1', latencyMs: pageLatencyMs });
  const c = sim.credentials;
  const prefix = `bench:${process.pid}:`;
  const gateway = spawn(process.execPath, [path.join(root, 'dist/apps/gateway/apps/gateway/src/main.js')], {
    env: {
      ...process.env, PORT: String(port), LOG_LEVEL: 'warn', REDIS_URL: redisUrl, CACHE_KEY_PREFIX: prefix, PROVIDER_TIMEOUT_MS: '10000',
      DIDI_TOKEN: c.didiToken, DIDI_ENDPOINT: sim.urls.didi, DIDI_REGIONS: 'bj,gz',
      HUAWEI_PROJECT_ID: c.huaweiProjectId, HUAWEI_AK: c.huaweiAk, HUAWEI_SK: c.huaweiSk, HUAWEI_ENDPOINT: sim.urls.huawei,
      UCLOUD_PUBLIC_KEY: c.ucloudPublicKey, UCLOUD_PRIVATE_KEY: c.ucloudPrivateKey, UCLOUD_ENDPOINT: sim.urls.ucloud,
      CECSTACK_ENDPOINT: sim.urls.cecstack, CECSTACK_TOKEN: c.cecstackToken, CECSTACK_REGION_ID: c.cecstackRegionId,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${base}/health/ready`);
    // Cold: refresh=true fetches every page of every catalog again, exactly like an empty cache.
    const cold = [];
    for (let i = 0; i < coldRuns; i++) {
      const started = performance.now();
      const response = await fetch(`${base}/images?refresh=true&limit=50`);
      const body = await response.json();
      if (!body.complete) throw new Error(`cold run ${i} incomplete: ${JSON.stringify(body.sources)}`);
      cold.push(performance.now() - started);
    }
    cold.sort((a, b) => a - b);
    const median = cold[Math.floor(cold.length / 2)];

    await fetch(`${base}/images?limit=50`);
    const warm = await autocannon({ url: `${base}/images?limit=50`, connections: warmConnections, duration: warmSeconds });
    const warmFiltered = await autocannon({ url: `${base}/images?limit=20&osType=linux&sort=name&name=server`, connections: warmConnections, duration: warmSeconds });

    const result = {
      pageLatencyMs,
      cold: { runs: coldRuns, medianMs: round(median), minMs: round(cold[0]), maxMs: round(cold[cold.length - 1]), multipleOfPageLatency: round(median / pageLatencyMs, 2) },
      warm: summarize(warm),
      warmFiltered: summarize(warmFiltered),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    gateway.kill('SIGTERM');
    await sim.close();
    await cleanRedis(prefix);
  }
}

function summarize(r) {
  return { connections: r.connections, seconds: r.duration, requestsPerSecond: round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

async function cleanRedis(prefix) {
  const { Redis } = require('ioredis');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
}

async function waitReady(url) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gateway not ready');
}

const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
