#!/usr/bin/env node
// Benchmark (not a test): the gateway against the ceiling, a bare Fastify server (its own process) sending the
// gateway's own captured bytes for the same URLs, and against the floor of any Nest app, the smallest one on the same
// adapter sending the same bytes (bench/nest-server.js); in one run: rotating order, autocannon in its own process.
// Prints req/s and p99 of each, and the ratios gateway ÷ bare, nest ÷ bare and gateway ÷ nest per URL.
// Usage: npm run build && node bench/ceiling.js   (env: ROUNDS=3 WARM_SECONDS=8 WARM_CONNECTIONS=50 BENCH_REDIS_URL=redis://127.0.0.1:6379/13)
'use strict';
const { spawn } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { startVendorSim, withGateway, round, median, knob, loadInOwnProcess } = require('./support');

const rounds = knob('ROUNDS', 3);
const warmSeconds = knob('WARM_SECONDS', 8);
const warmConnections = knob('WARM_CONNECTIONS', 50);
const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/13';
const BARE_PORT = 3700;
const NEST_PORT = 3701;

/** A reference server (`script`, in its own process) answering `answers`, until `stop()`. */
async function startReference(script, port, answers) {
  const file = path.join(tmpdir(), `bench-ceiling-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(answers));
  const child = spawn(process.execPath, [path.join(__dirname, script), String(port), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
  return { base: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill(); }) };
}

async function run() {
  const sim = await startVendorSim({ host: '127.0.0.1' });
  const results = {};
  try {
    await withGateway(sim, 3300, { redisUrl, prefix: `bench-ceiling:${process.pid}:`, env: {} }, async (gateway) => {
      const first = await (await fetch(`${gateway.base}/images?limit=1`)).json();
      const urls = ['/images?limit=50', '/images?limit=200', `/images/${first.items[0].id}`, '/health/live'];
      // A revalidation: the gateway answers 304 to its own ETag; the bare server an empty 304 to any If-None-Match.
      const etag = (await fetch(`${gateway.base}/images?limit=50`)).headers.get('etag');
      const conditional = { label: '/images?limit=50 If-None-Match (304)', url: '/images?limit=50', headers: { 'If-None-Match': etag } };
      // The gateway's own answers, warm, as the bare server will send them.
      const answers = {};
      for (const url of urls) {
        const response = await fetch(`${gateway.base}${url}`);
        answers[url] = { contentType: response.headers.get('content-type'), body: await response.text() };
      }
      const references = [];
      try {
        const start = async (script, port) => {
          const server = await startReference(script, port, answers);
          references.push(server);
          return server;
        };
        const bare = await start('bare-server.js', BARE_PORT);
        const nest = await start('nest-server.js', NEST_PORT);
        const cases = [...urls.map((url) => ({ label: url, url, headers: {} })), conditional];
        for (let r = 0; r < rounds; r++) {
          for (const { label, url, headers } of cases) {
            const contenders = [['gateway', gateway.base], ['bare', bare.base], ['nest', nest.base]];
            // Each contender goes first, second and third in turn.
            const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
            for (const [name, base] of order) {
              const load = await loadInOwnProcess(`${base}${url}`, { connections: warmConnections, seconds: warmSeconds, headers });
              const expected304 = label === conditional.label;
              const wrong = expected304 ? load.non2xx - load.status3xx : load.non2xx;
              if (wrong || load.errors || (expected304 && !load.status3xx)) throw new Error(`${name} ${label}: ${load.non2xx} non-2xx (${load.status3xx} 3xx), ${load.errors} errors`);
              ((results[label] ??= { gateway: [], bare: [], nest: [] })[name]).push(load);
            }
          }
        }
      } finally {
        for (const server of references) await server.stop();
      }
      for (const url of urls) results[url].bytes = Buffer.byteLength(answers[url].body);
      results[conditional.label].bytes = 0;
    });
  } finally {
    await sim.close();
  }
  const summary = Object.fromEntries(Object.entries(results).map(([url, { gateway, bare, nest, bytes }]) => {
    const rps = (runs) => round(median(runs.map((x) => x.requestsPerSecond)));
    const p99 = (runs) => median(runs.map((x) => x.p99Ms));
    const of = (runs) => ({ requestsPerSecond: rps(runs), p99Ms: p99(runs) });
    return [url, { bytes, gateway: of(gateway), bare: of(bare), nest: of(nest), ratio: round(rps(gateway) / rps(bare), 3), nestRatio: round(rps(nest) / rps(bare), 3), gatewayToNest: round(rps(gateway) / rps(nest), 3) }];
  }));
  console.log(JSON.stringify({ rounds, warmSeconds, warmConnections, summary }, null, 2));
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
