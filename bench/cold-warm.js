#!/usr/bin/env node
// Benchmark (not a test): cold and warm GET /images over the four simulated vendors, each upstream page delayed.
// Usage: npm run bench   (env: SIM_LATENCY_MS=300, COLD_RUNS=10, WARM_SECONDS=10, WARM_CONNECTIONS=50, BENCH_REDIS_URL=redis://127.0.0.1:6379/13)
'use strict';
const autocannon = require('autocannon');
const { startVendorSim, spawnGateway, summarize, cleanRedis, round } = require('./support');

const pageLatencyMs = Number(process.env.SIM_LATENCY_MS || 300);
const coldRuns = Number(process.env.COLD_RUNS || 10);
const warmSeconds = Number(process.env.WARM_SECONDS || 10);
const warmConnections = Number(process.env.WARM_CONNECTIONS || 50);
const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/13';
const port = Number(process.env.BENCH_PORT || 3300);

async function main() {
  const sim = await startVendorSim({ host: '127.0.0.1', latencyMs: pageLatencyMs });
  const prefix = `bench:${process.pid}:`;
  const gateway = await spawnGateway(sim, port, { REDIS_URL: redisUrl, CACHE_KEY_PREFIX: prefix, PROVIDER_TIMEOUT_MS: '10000' });
  const { base } = gateway;
  try {
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
    await gateway.stop();
    await sim.close();
    await cleanRedis(redisUrl, prefix);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
