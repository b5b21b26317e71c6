#!/usr/bin/env node
// Benchmark (not a test): the gateway against one CECSTACK account of N images (SIM_CATALOG_SCALE in the simulator),
// for each size: a cold fetch (time, the gateway's peak and settled RSS, the event-loop delay meanwhile) and warm
// `GET /images?limit=50` throughput (autocannon in its own process). Prints each size and the ratio to the smallest.
// Usage: npm run build && node bench/scale.js   (env: SIZES=800,8000,80000 WARM_SECONDS=8 WARM_CONNECTIONS=50 BENCH_REDIS_URL=redis://127.0.0.1:6379/13)
'use strict';
const { readFileSync } = require('node:fs');
const { startVendorSim, withGateway, round, knob, loadInOwnProcess } = require('./support');

const sizes = (process.env.SIZES || '800,8000,80000').split(',').map(Number);
const warmSeconds = knob('WARM_SECONDS', 8);
const warmConnections = knob('WARM_CONNECTIONS', 50);
const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/13';
/** The account's public and shared-with-me lists, besides its own images. */
const OTHER_CECSTACK_IMAGES = 145;

/** A process's resident memory, from /proc (Linux), in MiB. */
function rssMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** The p99 of gateway_event_loop_delay_seconds over what /metrics counted between two scrapes, in ms. */
function loopDelayP99(before, after) {
  const buckets = (text) => [...text.matchAll(/gateway_event_loop_delay_seconds_bucket\{le="([^"]+)"\} (\d+)/g)].map(([, le, n]) => [le === '+Inf' ? Infinity : Number(le), Number(n)]);
  const [a, b] = [buckets(before), buckets(after)];
  const counts = b.map(([le, n], i) => [le, n - a[i][1]]);
  const total = counts[counts.length - 1][1];
  const found = counts.find(([, n]) => n >= total * 0.99);
  return found ? found[0] * 1000 : null;
}

async function measure(size) {
  const sim = await startVendorSim({ host: '127.0.0.1', cecstackPrivateImages: Math.max(1, size - OTHER_CECSTACK_IMAGES) });
  const c = sim.credentials;
  // One provider: the gateway reads only the CECSTACK variables it is given.
  const env = {
    DIDI_TOKEN: '', HUAWEI_PROJECT_ID: '', HUAWEI_AK: '', HUAWEI_SK: '', UCLOUD_PUBLIC_KEY: '', UCLOUD_PRIVATE_KEY: '',
    CECSTACK_ENDPOINT: sim.urls.cecstack, CECSTACK_TOKEN: c.cecstackToken, CECSTACK_REGION_ID: c.cecstackRegionId,
    PROVIDER_TIMEOUT_MS: '60000',
  };
  try {
    return await withGateway(sim, 3600, { redisUrl, prefix: `bench-scale:${process.pid}:${size}:`, env }, async (gateway) => {
      const metrics = () => fetch(`${gateway.base}/metrics`).then((r) => r.text());
      const before = await metrics();
      let peak = rssMiB(gateway.child.pid);
      const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(gateway.child.pid))), 20);
      const started = performance.now();
      const cold = await (await fetch(`${gateway.base}/images?refresh=true&limit=50`)).json();
      const coldMs = performance.now() - started;
      clearInterval(sampler);
      const loopP99Ms = loopDelayP99(before, await metrics());
      if (!cold.complete) throw new Error(`cold fetch incomplete at ${size}: ${JSON.stringify(cold.sources)}`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const settled = rssMiB(gateway.child.pid);
      const warm = await loadInOwnProcess(`${gateway.base}/images?limit=50`, { connections: warmConnections, seconds: warmSeconds });
      if (warm.non2xx || warm.errors) throw new Error(`${size}: ${warm.non2xx} non-2xx, ${warm.errors} errors under load`);
      return { images: cold.page.total, coldMs: round(coldMs), peakRssMiB: round(peak), settledRssMiB: round(settled), coldLoopDelayP99Ms: loopP99Ms, warm };
    });
  } finally {
    await sim.close();
  }
}

async function run() {
  const results = [];
  for (const size of sizes) results.push({ size, ...(await measure(size)) });
  const base = results[0].warm.requestsPerSecond;
  for (const result of results) result.warmRatioToSmallest = round(result.warm.requestsPerSecond / base, 3);
  console.log(JSON.stringify(results, null, 2));
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
