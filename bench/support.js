'use strict';
// Shared by the benchmarks: the built gateway as a child process wired to in-process simulators.
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { startVendorSim } = require(path.join(root, 'dist/apps/vendor-sim/apps/vendor-sim/src/index.js'));

// The demo's wiring of every provider to the simulators (and its CECSTACK account), one place for both.
const { demoProviderEnv: simEnv } = require(path.join(root, 'scripts/demo-env.js'));

/** The built gateway (this repository's, or the `main` given) on `port`; resolves once it is ready. */
async function spawnGateway(sim, port, env, main = path.join(root, 'dist/apps/gateway/apps/gateway/src/main.js')) {
  const child = spawn(process.execPath, [main], {
    // No caller checks or limits unless a benchmark sets them: the load comes from one address.
    // LOG_LEVEL unset: the default (info), one access line per request, as in production.
    env: { PATH: process.env.PATH, PORT: String(port), SHUTDOWN_DELAY_MS: '0', AUTH_DISABLED: 'true', RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_WRITES_PER_MINUTE: '0', ...simEnv(sim), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The log lines go through a pipe that is read, as a container runtime reads them (not to /dev/null).
  child.stdout.resume();
  const base = `http://127.0.0.1:${port}`;
  await waitReady(`${base}/health/ready`);
  return { base, child, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }) };
}

async function waitReady(url) {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gateway not ready');
}

/** One GET, timed by the benchmark: its milliseconds, status and JSON body. */
async function timed(url) {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.json();
  return { ms: performance.now() - started, status: response.status, body };
}

function summarize(r) {
  return { connections: r.connections, seconds: r.duration, requestsPerSecond: round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

/** p50/p99/max of a list of milliseconds. */
function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(sorted[sorted.length - 1]) };
}

/** Deletes the keys under `prefix`: in the Redis at `url`, or on every master of the cluster at `clusterNodes`. */
async function cleanRedis(url, prefix, clusterNodes) {
  const { Cluster, Redis } = require('ioredis');
  const redis = clusterNodes ? new Cluster(seedsOf(clusterNodes)) : new Redis(url, { maxRetriesPerRequest: 1 });
  if (clusterNodes) await new Promise((resolve) => redis.once('ready', resolve));
  for (const node of clusterNodes ? redis.nodes('master') : [redis]) {
    const keys = await node.keys(`${prefix}*`);
    // One key per DEL: a cluster refuses keys of several slots in one command.
    await Promise.all(keys.map((key) => redis.del(key)));
  }
  await redis.quit();
}

const seedsOf = (nodes) => nodes.split(',').map((node) => ({ host: node.split(':')[0], port: Number(node.split(':')[1]) }));

/**
 * 1,000 `GET /images?limit=50` at 100 concurrent on a cold cache, round-robin over `replicas` gateway processes sharing
 * one Redis (`redisUrl`) or Redis Cluster (`clusterNodes`): how many requests reach the vendors.
 */
async function coldOverReplicas(sim, replicas, { port, redisUrl, clusterNodes }) {
  const prefix = `bench:replicas:${process.pid}:${replicas}:${clusterNodes ? 'cluster' : 'standalone'}:`;
  const redisEnv = clusterNodes ? { REDIS_CLUSTER_NODES: clusterNodes } : { REDIS_URL: redisUrl };
  const gateways = [];
  for (let i = 0; i < replicas; i++) gateways.push(await spawnGateway(sim, port + i, { ...redisEnv, CACHE_KEY_PREFIX: prefix, PROVIDER_TIMEOUT_MS: '10000' }));
  const admin = (method, path) => fetch(`${sim.urls.admin}${path}`, { method }).then((r) => r.text()).then((text) => (text ? JSON.parse(text) : undefined));
  try {
    await admin('DELETE', '/stats');
    let next = 0;
    const latencies = [];
    const worker = async () => {
      while (next < 1000) {
        const i = next++;
        const started = performance.now();
        const response = await fetch(`${gateways[i % replicas].base}/images?limit=50`);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`status ${response.status}`);
        latencies.push(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: 100 }, worker));
    const stats = await admin('GET', '/stats');
    const upstream = Object.fromEntries(Object.entries(stats).map(([vendor, s]) => [vendor, s.requests]));
    return { replicas, redis: clusterNodes ? 'cluster' : 'standalone', requests: 1000, concurrency: 100, upstreamRequests: upstream, upstreamTotal: Object.values(upstream).reduce((a, b) => a + b, 0), latency: percentiles(latencies) };
  } finally {
    for (const gateway of gateways) await gateway.stop();
    await cleanRedis(redisUrl, prefix, clusterNodes);
  }
}

const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A number from the environment, for a benchmark's knobs. */
const knob = (name, fallback) => Number(process.env[name] || fallback);

/** A gateway (`spawnGateway`) under its own Redis key prefix for the length of `use`; stopped and its keys deleted after. */
async function withGateway(sim, port, { redisUrl, prefix, env, main }, use) {
  const gateway = await spawnGateway(sim, port, { REDIS_URL: redisUrl, CACHE_KEY_PREFIX: prefix, ...env }, main);
  try {
    return await use(gateway);
  } finally {
    await gateway.stop();
    await cleanRedis(redisUrl, prefix);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** autocannon in a process of its own, so the load generator does not share a core's event loop with what it measures. */
function loadInOwnProcess(url, { connections, seconds, headers = {} }) {
  const { execFile } = require('node:child_process');
  const args = ['-j', '-c', String(connections), '-d', String(seconds), ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]), url];
  return new Promise((resolve, reject) => {
    execFile(path.join(root, 'node_modules/.bin/autocannon'), args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      const result = JSON.parse(stdout);
      resolve({ requestsPerSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx, status3xx: result['3xx'], errors: result.errors });
    });
  });
}

module.exports = { root, startVendorSim, simEnv, spawnGateway, waitReady, timed, summarize, percentiles, cleanRedis, coldOverReplicas, round, median, knob, withGateway, loadInOwnProcess };
