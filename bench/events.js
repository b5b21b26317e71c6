#!/usr/bin/env node
// Benchmark (not a test) of GET /events (issue 13):
// 1. latency from a write through replica A to its event at a subscriber on replica B (two built gateways sharing one
//    Redis prefix): a PATCH rename, nothing else (A fetches the catalog again in the background after a write), then
//    wait for the image.changed frame on B's stream; p50/p99 over WRITES renames (LIST_AFTER_WRITE=1: a list through A
//    after each write too, as a client would, the way this was measured before the background fetch);
// 2. how many open streams one replica holds before its RSS has grown 64 MiB: streams opened in batches from this
//    process (each its own connection), RSS read from /proc after each batch.
// Usage: npm run build && node bench/events.js   (env: WRITES=60 BATCH=250 MAX_STREAMS=8000 LIST_AFTER_WRITE=0 BENCH_REDIS_URL=redis://127.0.0.1:6379/13)
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const http = require('node:http');
const { startVendorSim, spawnGateway, cleanRedis, percentiles, round, knob } = require('./support');

const writes = knob('WRITES', 60);
const batch = knob('BATCH', 250);
const maxStreams = knob('MAX_STREAMS', 8000);
const listAfterWrite = knob('LIST_AFTER_WRITE', 0) === 1;
const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/13';
const GROWTH_LIMIT_MIB = 64;
// Streams are capped per caller (1,000 at most): the load holds them under several callers' keys.
const CALLERS = Math.ceil(maxStreams / 1000);
const keys = Array.from({ length: CALLERS }, (_, n) => `bench-events-key-${n}-${'x'.repeat(16)}`);
const apiKeys = keys.map((key, n) => `c${n}:images.read+images.write:${createHash('sha256').update(key).digest('hex')}`).join(',');

/** An SSE stream over a connection of its own; `frames` collects parsed frames, `until` waits for one. */
function openStream(url, key) {
  return new Promise((resolve, reject) => {
    const frames = [];
    const waiters = [];
    const request = http.get(url, { agent: false, headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`GET /events answered ${response.statusCode}`));
      let buffered = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        buffered += chunk;
        let end;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const text = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const frame = {};
          for (const line of text.split('\n')) {
            const colon = line.indexOf(':');
            if (colon > 0) frame[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
          }
          if (!frame.event) continue;
          frame.at = performance.now();
          frames.push(frame);
          for (const waiter of [...waiters]) if (waiter.match(frame)) waiters.splice(waiters.indexOf(waiter), 1), waiter.resolve(frame);
        }
      });
      resolve({
        frames,
        until: (match) => new Promise((done) => {
          const seen = frames.find(match);
          if (seen) return done(seen);
          waiters.push({ match, resolve: done });
        }),
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

async function send(method, url, key, body) {
  const response = await fetch(url, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function main() {
  const sim = await startVendorSim({ host: '127.0.0.1' });
  const prefix = `bench:events:${Date.now()}:`;
  const env = { REDIS_URL: redisUrl, CACHE_KEY_PREFIX: prefix, AUTH_DISABLED: 'false', AUTH_API_KEYS: apiKeys, CACHE_TTL_SECONDS: '3600', EVENTS_MAX_STREAMS_PER_CALLER: '1000', MAX_CONNECTIONS: String(maxStreams + 200), LOG_LEVEL: 'warn' };
  const a = await spawnGateway(sim, 3741, env);
  const b = await spawnGateway(sim, 3742, env);
  try {
    // 1. write through A, event on B
    const list = () => send('GET', `${a.base}/images?provider=didi&limit=200`, keys[0]);
    const [image] = (await list()).body.items.filter((candidate) => candidate.visibility === 'private');
    const stream = await openStream(`${b.base}/events?provider=didi&type=image.changed`, keys[0]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const latencies = [];
    for (let n = 0; n < writes; n++) {
      const name = `bench events ${n}`;
      const started = performance.now();
      const renamed = await send('PATCH', `${a.base}/images/${image.id}`, keys[0], { name });
      if (renamed.status !== 200) throw new Error(`PATCH answered ${renamed.status}`);
      if (listAfterWrite) await list();
      const frame = await stream.until((candidate) => JSON.parse(candidate.data).image?.name === name);
      latencies.push(frame.at - started);
    }
    stream.close();
    const latency = { ...percentiles(latencies), slowestMs: [...latencies].sort((x, y) => y - x).slice(0, 5).map((ms) => round(ms)), firstMs: round(latencies[0]) };
    console.log(JSON.stringify({ writeToEventOnOtherReplica: latency }));

    // 2. open streams on B until its RSS has grown 64 MiB (or MAX_STREAMS)
    const streams = [];
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const settled = rssMiB(b.child.pid);
    let atLimit = null;
    const steps = [];
    while (streams.length < maxStreams) {
      const opened = await Promise.all(Array.from({ length: batch }, (_, n) => openStream(`${b.base}/events`, keys[Math.floor((streams.length + n) / 1000)])));
      streams.push(...opened);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const growth = rssMiB(b.child.pid) - settled;
      steps.push({ streams: streams.length, growthMiB: round(growth) });
      if (growth > GROWTH_LIMIT_MIB) break;
      atLimit = { streams: streams.length, growthMiB: round(growth) };
    }
    // Still serving: one read while every stream is open.
    const during = await send('GET', `${b.base}/images?limit=1`, keys[0]);
    for (const open of streams) open.close();
    console.log(JSON.stringify({ settledRssMiB: round(settled), underLimit: atLimit, perStreamKiB: atLimit ? round((atLimit.growthMiB * 1024) / atLimit.streams) : null, readWhileOpen: during.status, steps }));
  } finally {
    await a.stop();
    await b.stop();
    await sim.close();
    await cleanRedis(redisUrl, prefix);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
