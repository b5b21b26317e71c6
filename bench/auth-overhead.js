#!/usr/bin/env node
// Benchmark (not a test): what the caller checks and the rate limiter cost on a warm GET /images. Two gateways over the
// same simulators and Redis, in one run, alternating rounds, autocannon in its own process: one with an API key
// checked and every request counted in Redis (a limit too high to refuse anything), one with AUTH_DISABLED=true and
// no limits. Prints each and the ratio.
// Usage: npm run build && node bench/auth-overhead.js   (env: ROUNDS=3 WARM_SECONDS=8 WARM_CONNECTIONS=50 BENCH_REDIS_URL=redis://127.0.0.1:6379/13)
'use strict';
const { createHash } = require('node:crypto');
const { startVendorSim, withGateway, round, median, knob, loadInOwnProcess } = require('./support');

const rounds = knob('ROUNDS', 3);
const warmSeconds = knob('WARM_SECONDS', 8);
const warmConnections = knob('WARM_CONNECTIONS', 50);
const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/13';
const key = 'bench-key-5d1c9e7a3f2b8c6e';
const hash = createHash('sha256').update(key).digest('hex');

const contenders = [
  {
    name: 'callers',
    env: { AUTH_DISABLED: 'false', AUTH_API_KEYS: `bench:images.read:${hash}`, RATE_LIMIT_PER_MINUTE: '10000000', RATE_LIMIT_WRITES_PER_MINUTE: '60' },
    headers: { authorization: `Bearer ${key}` },
  },
  { name: 'open', env: { AUTH_DISABLED: 'true', RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_WRITES_PER_MINUTE: '0' }, headers: {} },
];

function measure(contender, sim, port) {
  return withGateway(sim, port, { redisUrl, prefix: `bench-auth:${process.pid}:${contender.name}:`, env: contender.env }, async (gateway) => {
    const first = await fetch(`${gateway.base}/images?limit=50`, { headers: contender.headers });
    if (first.status !== 200) throw new Error(`${contender.name}: ${first.status}`);
    const warm = await loadInOwnProcess(`${gateway.base}/images?limit=50`, { connections: warmConnections, seconds: warmSeconds, headers: contender.headers });
    if (warm.non2xx || warm.errors) throw new Error(`${contender.name}: ${warm.non2xx} non-2xx, ${warm.errors} errors under load`);
    return warm;
  });
}

async function run() {
  const sim = await startVendorSim({ host: '127.0.0.1' });
  const results = { callers: [], open: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? contenders : [...contenders].reverse();
      for (const contender of order) results[contender.name].push(await measure(contender, sim, 3500 + r));
    }
  } finally {
    await sim.close();
  }
  const summary = Object.fromEntries(Object.entries(results).map(([name, runs]) => [name, {
    requestsPerSecond: round(median(runs.map((x) => x.requestsPerSecond))),
    p99Ms: median(runs.map((x) => x.p99Ms)),
  }]));
  summary.ratioCallersOverOpen = round(summary.callers.requestsPerSecond / summary.open.requestsPerSecond, 3);
  console.log(JSON.stringify({ rounds, warmSeconds, warmConnections, perRound: results, summary }, null, 2));
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
