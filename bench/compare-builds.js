#!/usr/bin/env node
// Benchmark (not a test): two builds of the gateway side by side in one run, cold and warm GET /images, alternating
// rounds, the load generator (autocannon) in its own process. Prints each figure and the ratio other ÷ this.
// Usage: node bench/compare-builds.js <other-repo-root> [<this-repo-root>]   (each with `dist/` built: e.g. git worktrees of two commits; this one by default)
// env: SIM_LATENCY_MS=300 ROUNDS=3 COLD_RUNS=7 WARM_SECONDS=8 WARM_CONNECTIONS=50 BENCH_REDIS_URL=redis://127.0.0.1:6379/13
'use strict';
const path = require('node:path');
const { root, startVendorSim, withGateway, round, median, knob, loadInOwnProcess } = require('./support');

const other = process.argv[2];
if (!other) throw new Error('usage: node bench/compare-builds.js <other-repo-root>');
const pageLatencyMs = knob('SIM_LATENCY_MS', 300);
const rounds = knob('ROUNDS', 3);
const coldRuns = knob('COLD_RUNS', 7);
const warmSeconds = knob('WARM_SECONDS', 8);
const warmConnections = knob('WARM_CONNECTIONS', 50);
const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/13';
const main = (repo) => path.join(path.resolve(repo), 'dist/apps/gateway/apps/gateway/src/main.js');
const contenders = [
  { name: 'this', main: main(process.argv[3] ?? root) },
  { name: 'other', main: main(other) },
];

function measure(contender, sim, port) {
  const prefix = `bench-cmp:${process.pid}:${contender.name}:`;
  return withGateway(sim, port, { redisUrl, prefix, env: { PROVIDER_TIMEOUT_MS: '10000' }, main: contender.main }, async (gateway) => {
    const cold = [];
    for (let i = 0; i < coldRuns; i++) {
      const started = performance.now();
      const body = await (await fetch(`${gateway.base}/images?refresh=true&limit=50`)).json();
      if (!body.complete) throw new Error(`${contender.name}: cold run incomplete`);
      cold.push(performance.now() - started);
    }
    await fetch(`${gateway.base}/images?limit=50`);
    const warm = await loadInOwnProcess(`${gateway.base}/images?limit=50`, { connections: warmConnections, seconds: warmSeconds });
    if (warm.non2xx || warm.errors) throw new Error(`${contender.name}: ${warm.non2xx} non-2xx, ${warm.errors} errors under load`);
    return { coldMedianMs: median(cold), warmRequestsPerSecond: warm.requestsPerSecond, warmP99Ms: warm.p99Ms };
  });
}

async function run() {
  const sim = await startVendorSim({ host: '127.0.0.1', latencyMs: pageLatencyMs });
  const results = { this: [], other: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      // Alternate who goes first, so drift on a shared machine falls on both.
      const order = r % 2 === 0 ? contenders : [...contenders].reverse();
      for (const contender of order) results[contender.name].push(await measure(contender, sim, 3400 + r));
    }
  } finally {
    await sim.close();
  }
  const summary = {};
  for (const name of ['this', 'other']) {
    summary[name] = {
      coldMedianMs: round(median(results[name].map((x) => x.coldMedianMs))),
      warmRequestsPerSecond: round(median(results[name].map((x) => x.warmRequestsPerSecond))),
      warmP99Ms: median(results[name].map((x) => x.warmP99Ms)),
    };
  }
  summary.ratioThisOverOther = {
    cold: round(summary.this.coldMedianMs / summary.other.coldMedianMs, 3),
    warmRequestsPerSecond: round(summary.this.warmRequestsPerSecond / summary.other.warmRequestsPerSecond, 3),
  };
  console.log(JSON.stringify({ pageLatencyMs, rounds, coldRuns, warmSeconds, warmConnections, perRound: results, summary }, null, 2));
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
