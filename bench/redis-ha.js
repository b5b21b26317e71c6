#!/usr/bin/env node
// Benchmark (not a test): the two-replica cold benchmark on one Redis and on a Redis Cluster in the same run (upstream
// requests per 1,000 cold requests), then a cluster master killed under load (requests during the failover, failures).
// Usage: npm run build && node bench/redis-ha.js   (env: SIM_LATENCY_MS=300 CONNECTIONS=20 BENCH_REDIS_URL=redis://127.0.0.1:6379/13)
// The cluster is three masters with a replica each, started here on ports 7301-7306 (bus ports +10000), in a temp dir.
'use strict';
const { execFile, spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');
const { Cluster, Redis } = require('ioredis');
const { startVendorSim, spawnGateway, coldOverReplicas, knob } = require('./support');

const pageLatencyMs = knob('SIM_LATENCY_MS', 300);
const connections = knob('CONNECTIONS', 20);
const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/13';
const basePort = knob('BENCH_PORT', 3500);
const CLUSTER_PORTS = [7301, 7302, 7303, 7304, 7305, 7306];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function ask(port, ...command) {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return String(await client.call(...command));
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

async function until(check) {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error('timed out');
}

/** Six redis-servers, `redis-cli --cluster create` with one replica per master, node timeout 1 s. */
async function startCluster() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-cluster-'));
  const children = new Map(CLUSTER_PORTS.map((port) => [port, spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
    '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1000'], { stdio: 'ignore' })]));
  const kill = (port) => new Promise((resolve) => {
    const child = children.get(port);
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
  const masters = async () => {
    const roles = await Promise.all(CLUSTER_PORTS.map(async (port) => [port, await ask(port, 'INFO', 'replication')]));
    return roles.filter(([, info]) => info && info.includes('role:master')).map(([port]) => port);
  };
  const whole = async () => (await Promise.all((await masters()).map((port) => ask(port, 'CLUSTER', 'INFO')))).every((info) => info && info.includes('cluster_state:ok'));
  for (const port of CLUSTER_PORTS) await until(async () => (await ask(port, 'PING')) === 'PONG');
  await promisify(execFile)('redis-cli', ['--cluster', 'create', ...CLUSTER_PORTS.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes']);
  await until(async () => (await masters()).length === 3 && (await whole()));
  await until(async () => (await Promise.all(CLUSTER_PORTS.map((port) => ask(port, 'INFO', 'replication')))).filter((info) => info && info.includes('master_link_status:up')).length === 3);
  return {
    nodes: CLUSTER_PORTS.map((port) => `127.0.0.1:${port}`).join(','),
    masters,
    whole,
    kill,
    async stop() {
      await Promise.all(CLUSTER_PORTS.map(kill));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Two replicas on the cluster under load; the master holding DiDi's catalog is killed. */
async function failover(sim, cluster) {
  const prefix = `bench:failover:${process.pid}:`;
  const env = { REDIS_CLUSTER_NODES: cluster.nodes, CACHE_KEY_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '10000000' };
  const gateways = [await spawnGateway(sim, basePort + 20, env), await spawnGateway(sim, basePort + 21, env)];
  const probe = new Cluster(CLUSTER_PORTS.map((port) => ({ host: '127.0.0.1', port })));
  probe.on('error', () => undefined);
  try {
    for (const gateway of gateways) await (await fetch(`${gateway.base}/images?limit=1`)).arrayBuffer();
    await until(async () => (await Promise.all(probe.nodes('master').map((node) => node.keys(`${prefix}catalog:v1:{didi:*`)))).flat().length === 1);
    const [key] = (await Promise.all(probe.nodes('master').map((node) => node.keys(`${prefix}catalog:v1:{didi:*`)))).flat();
    const slot = Number(await probe.cluster('KEYSLOT', key));
    const victim = Number(probe.slots[slot][0].split(':')[1]);
    const paths = ['/images?limit=5', '/images?provider=didi&limit=5', '/images?provider=huawei,ucloud&limit=5', '/images?provider=cecstack&refresh=true&limit=5'];
    const count = { requests: 0, failures: 0 };
    let running = true;
    const loop = async (start) => {
      for (let n = start; running; n += connections) {
        const response = await fetch(`${gateways[n % 2].base}${paths[n % paths.length]}`).catch(() => null);
        if (response) await response.arrayBuffer();
        if (!response || response.status !== 200) count.failures++;
        count.requests++;
      }
    };
    const loops = Array.from({ length: connections }, (_, i) => loop(i));
    await sleep(2000);
    const atKill = { ...count };
    const killedAt = performance.now();
    await cluster.kill(victim);
    await until(async () => !(await cluster.masters()).includes(victim) && (await cluster.masters()).length === 3 && (await cluster.whole()));
    const failoverMs = performance.now() - killedAt;
    const atFailover = { ...count };
    await sleep(3000);
    running = false;
    await Promise.all(loops);
    return {
      connections,
      killedMaster: victim,
      failoverMs: Math.round(failoverMs),
      requestsDuringFailover: atFailover.requests - atKill.requests,
      failuresDuringFailover: atFailover.failures - atKill.failures,
      requestsInAll: count.requests,
      failuresInAll: count.failures,
    };
  } finally {
    probe.disconnect();
    for (const gateway of gateways) await gateway.stop();
  }
}

async function main() {
  const sim = await startVendorSim({ host: '127.0.0.1', latencyMs: pageLatencyMs });
  const cluster = await startCluster();
  try {
    const result = {
      pageLatencyMs,
      coldTwoReplicasStandalone: await coldOverReplicas(sim, 2, { port: basePort, redisUrl }),
      coldTwoReplicasCluster: await coldOverReplicas(sim, 2, { port: basePort + 10, clusterNodes: cluster.nodes }),
      clusterFailover: await failover(sim, cluster),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await cluster.stop();
    await sim.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
