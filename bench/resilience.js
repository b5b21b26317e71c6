#!/usr/bin/env node
// Benchmark (not a test): GET /images latency while a vendor hangs (before and after its circuit opens) and while
// Redis is down, and the upstream requests that 1,000 cold requests over two replicas sharing Redis cause.
// Usage: npm run bench:resilience   (env: SIM_LATENCY_MS=300, LOAD_SECONDS=10, CONNECTIONS=20, BENCH_REDIS_URL=redis://127.0.0.1:6379/13)
'use strict';
const { spawn } = require('node:child_process');
const autocannon = require('autocannon');
const { startVendorSim, spawnGateway, timed, summarize, percentiles, cleanRedis, coldOverReplicas } = require('./support');

const pageLatencyMs = Number(process.env.SIM_LATENCY_MS || 300);
const loadSeconds = Number(process.env.LOAD_SECONDS || 10);
const connections = Number(process.env.CONNECTIONS || 20);
const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/13';
const basePort = Number(process.env.BENCH_PORT || 3400);
const timeoutMs = 1000;

async function admin(sim, method, path, body) {
  const response = await fetch(`${sim.urls.admin}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

/** A vendor that hangs: every request waits its budget until the circuit opens, then answers in milliseconds. */
async function hungVendor(sim) {
  const prefix = `bench:hang:${process.pid}:`;
  const gateway = await spawnGateway(sim, basePort, {
    REDIS_URL: redisUrl, CACHE_KEY_PREFIX: prefix, PROVIDER_TIMEOUT_MS: String(timeoutMs),
    CACHE_TTL_SECONDS: '5', CIRCUIT_FAILURE_THRESHOLD: '5', CIRCUIT_HALF_OPEN_AFTER_MS: '600000',
  });
  try {
    await timed(`${gateway.base}/images?limit=50`);
    const healthy = await autocannon({ url: `${gateway.base}/images?limit=50`, connections, duration: loadSeconds });
    // Past the TTL: the healthy vendors refresh once (then ahead of expiry), the hung one cannot.
    await new Promise((r) => setTimeout(r, 5100));
    await admin(sim, 'PUT', '/faults/huawei', { kind: 'hang' });
    // Before the circuit opens: each request finds the catalog expired and waits for the hung vendor (stale served).
    const before = [];
    let circuit = 'closed';
    while (circuit !== 'open' && before.length < 20) {
      const answer = await timed(`${gateway.base}/images?limit=50`);
      before.push(answer.ms);
      circuit = (await (await fetch(`${gateway.base}/providers`)).json()).providers.find((p) => p.id === 'huawei').circuit;
    }
    const after = await autocannon({ url: `${gateway.base}/images?limit=50`, connections, duration: loadSeconds });
    const sample = await timed(`${gateway.base}/images?limit=50`);
    const huawei = sample.body.sources.find((s) => s.provider === 'huawei');
    return { healthyBaseline: summarize(healthy), beforeOpen: percentiles(before), afterOpen: summarize(after), huaweiSliceAfterOpen: { status: huawei.status, code: huawei.error && huawei.error.code } };
  } finally {
    await admin(sim, 'DELETE', '/faults');
    await gateway.stop();
    await cleanRedis(redisUrl, prefix);
  }
}

/** Redis killed: every request is answered from the vendors and the in-process tier, within its budget. */
async function redisDown(sim) {
  const port = basePort + 50;
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  const gateway = await spawnGateway(sim, basePort + 1, { REDIS_URL: `redis://127.0.0.1:${port}/0`, PROVIDER_TIMEOUT_MS: '5000' });
  try {
    await timed(`${gateway.base}/images?limit=50`);
    await new Promise((resolve) => { redis.once('exit', resolve); redis.kill('SIGKILL'); });
    const health = await (await fetch(`${gateway.base}/health`)).json();
    const cold = [];
    for (let i = 0; i < 10; i++) cold.push((await timed(`${gateway.base}/images?refresh=true&limit=50`)).ms);
    const warm = await autocannon({ url: `${gateway.base}/images?limit=50`, connections, duration: loadSeconds });
    return { cacheHealth: health.details.cache, coldRefresh: percentiles(cold), warm: summarize(warm) };
  } finally {
    await gateway.stop();
    if (redis.exitCode === null) redis.kill('SIGKILL');
  }
}

async function main() {
  const sim = await startVendorSim({ host: '127.0.0.1', latencyMs: pageLatencyMs });
  try {
    const result = {
      pageLatencyMs,
      providerTimeoutMs: timeoutMs,
      hungVendor: await hungVendor(sim),
      redisDown: await redisDown(sim),
      coldOneReplica: await coldOverReplicas(sim, 1, { port: basePort + 10, redisUrl }),
      coldTwoReplicas: await coldOverReplicas(sim, 2, { port: basePort + 10, redisUrl }),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await sim.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
