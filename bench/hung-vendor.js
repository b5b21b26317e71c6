#!/usr/bin/env node
// Benchmark (not a test): a vendor hangs once its catalog is past the TTL. With the defaults (STALE_WAIT_MS=300,
// PROVIDER_TIMEOUT_MS=5000), every GET /images is answered within STALE_WAIT_MS plus the normal work, from the first
// request on, not only once the circuit opens. Prints the first requests one by one, then the p99 under load.
// Usage: npm run build && node bench/hung-vendor.js   (env: LOAD_SECONDS=10 CONNECTIONS=20 BENCH_REDIS_URL=redis://127.0.0.1:6379/13)
'use strict';
const { startVendorSim, withGateway, timed, percentiles, knob, loadInOwnProcess } = require('./support');

const loadSeconds = knob('LOAD_SECONDS', 10);
const connections = knob('CONNECTIONS', 20);
const firstRequests = knob('FIRST_REQUESTS', 10);
const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/13';
const ttlSeconds = 3;
const staleWaitMs = 300;

async function run() {
  const sim = await startVendorSim({ host: '127.0.0.1' });
  const admin = (method, path, body) => fetch(`${sim.urls.admin}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body && JSON.stringify(body) });
  try {
    const env = { CACHE_TTL_SECONDS: String(ttlSeconds), STALE_WAIT_MS: String(staleWaitMs) };
    const result = await withGateway(sim, 3350, { redisUrl, prefix: `bench-hung:${process.pid}:`, env }, async (gateway) => {
      const url = `${gateway.base}/images?limit=50`;
      await timed(url);
      await admin('PUT', '/faults/huawei', { kind: 'hang' });
      // Past the TTL (refresh-ahead cannot save Huawei: it hangs), so every request finds its catalog stale.
      await new Promise((resolve) => setTimeout(resolve, ttlSeconds * 1000 + 200));
      const first = [];
      for (let i = 0; i < firstRequests; i++) first.push(await timed(url));
      const load = await loadInOwnProcess(url, { connections, seconds: loadSeconds });
      const last = await timed(url);
      const huawei = (answer) => answer.body.sources.find((source) => source.provider === 'huawei');
      return {
        staleWaitMs,
        firstRequests: { ...percentiles(first.map((answer) => answer.ms)), huaweiStatus: [...new Set(first.map((answer) => huawei(answer).status))] },
        underLoad: { connections, seconds: loadSeconds, requestsPerSecond: Math.round(load.requestsPerSecond), p50Ms: load.p50Ms, p99Ms: load.p99Ms, non2xx: load.non2xx, errors: load.errors },
        afterLoad: { huaweiStatus: huawei(last).status, huaweiCode: huawei(last).error && huawei(last).error.code },
        goalMs: staleWaitMs + 50,
      };
    });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await admin('DELETE', '/faults');
    await sim.close();
  }
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
