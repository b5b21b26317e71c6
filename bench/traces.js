#!/usr/bin/env node
// Benchmark (not a test): the built gateway with tracing off and on (OTEL_EXPORTER_OTLP_ENDPOINT at a loopback
// collector that accepts every batch), warm GET /images?limit=50 and a cold fan-out, alternating rounds.
// Prints req/s, p99 and the gateway's CPU time per request of each (the figure a busy shared machine disturbs least),
// the ratios on ÷ off, and how many spans the collector was sent. Linux only (CPU time from /proc).
// Usage: npm run build && node bench/traces.js   (env: ROUNDS=3 WARM_SECONDS=8 WARM_CONNECTIONS=50 BENCH_REDIS_URL=redis://127.0.0.1:6379/13)
'use strict';
const { readFileSync } = require('node:fs');
const { spawn } = require('node:child_process');
const { startVendorSim, withGateway, round, median, knob, loadInOwnProcess } = require('./support');

const rounds = knob('ROUNDS', 3);
const warmSeconds = knob('WARM_SECONDS', 8);
const warmConnections = knob('WARM_CONNECTIONS', 50);
const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/13';

/**
 * An OTLP/HTTP collector in a process of its own (in this one it would slow the reading of the gateway's log pipe, and
 * so the gateway): it reads each batch, counts its spans and answers 200; `close()` resolves with the counts.
 */
async function startCollector() {
  const script = `
    let batches = 0, spans = 0;
    const server = require('node:http').createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        batches++;
        spans += (Buffer.concat(chunks).toString('utf8').match(/"spanId"/g) || []).length;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
    process.on('SIGTERM', () => { process.stdout.write(JSON.stringify({ batches, spans }) + '\\n'); process.exit(0); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = [];
  let buffered = '';
  const lineArrived = () => new Promise((resolve) => child.stdout.once('data', resolve));
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop();
    lines.push(...parts);
  });
  while (lines.length === 0) await lineArrived();
  return {
    url: `http://127.0.0.1:${lines[0]}`,
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      return JSON.parse(lines[1]);
    },
  };
}

/** User + system CPU time of a process so far, in microseconds (from /proc: clock ticks of 10 ms). */
function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function measure(name, env, sim, port) {
  return withGateway(sim, port, { redisUrl, prefix: `bench-traces:${process.pid}:${name}:`, env }, async (gateway) => {
    const started = performance.now();
    const cold = await (await fetch(`${gateway.base}/images?refresh=true&limit=50`)).json();
    if (!cold.complete) throw new Error(`${name}: cold run incomplete`);
    const coldMs = performance.now() - started;
    const cpuBefore = cpuMicros(gateway.child.pid);
    const warm = await loadInOwnProcess(`${gateway.base}/images?limit=50`, { connections: warmConnections, seconds: warmSeconds, headers: process.env.NO_TRACEPARENT ? {} : { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    if (warm.non2xx || warm.errors) throw new Error(`${name}: ${warm.non2xx} non-2xx, ${warm.errors} errors under load`);
    const cpuMicrosPerRequest = (cpuMicros(gateway.child.pid) - cpuBefore) / (warm.requestsPerSecond * warmSeconds);
    return { coldMs: round(coldMs), warmRequestsPerSecond: warm.requestsPerSecond, warmP99Ms: warm.p99Ms, cpuMicrosPerRequest: round(cpuMicrosPerRequest) };
  });
}

async function run() {
  const sim = await startVendorSim({ host: '127.0.0.1' });
  const collector = await startCollector();
  const modes = [{ name: 'off', env: {} }, { name: 'on', env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url } }];
  const results = { off: [], on: [] };
  let collected;
  try {
    for (let r = 0; r < rounds; r++) {
      // Alternate who goes first, so drift on a shared machine falls on both.
      const order = r % 2 === 0 ? modes : [...modes].reverse();
      for (const mode of order) results[mode.name].push(await measure(mode.name, mode.env, sim, 3500 + r));
    }
  } finally {
    collected = await collector.close();
    await sim.close();
  }
  const summary = {};
  for (const name of ['off', 'on']) {
    const of = (field) => median(results[name].map((x) => x[field]));
    summary[name] = { warmRequestsPerSecond: round(of('warmRequestsPerSecond')), warmP99Ms: of('warmP99Ms'), cpuMicrosPerRequest: of('cpuMicrosPerRequest') };
  }
  summary.ratioOnOverOff = {
    warmRequestsPerSecond: round(summary.on.warmRequestsPerSecond / summary.off.warmRequestsPerSecond, 3),
    cpuMicrosPerRequest: round(summary.on.cpuMicrosPerRequest / summary.off.cpuMicrosPerRequest, 3),
  };
  console.log(JSON.stringify({ rounds, warmSeconds, warmConnections, perRound: results, summary, collector: collected }, null, 2));
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
