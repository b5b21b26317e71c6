#!/usr/bin/env node
// Benchmark (not a test): a 2 GiB CECSTACK download streamed through the gateway, with the gateway's resident
// memory sampled from /proc while it runs. Usage: npm run bench:download   (env: DOWNLOAD_GIB=2 REFERENCE_GC_EVERY_MIB=0 CONCURRENT_DOWNLOADS=1 READS_DURING_SECONDS=0 DOWNLOAD_RECLAIM_EVERY_MIB)
//
// In the same run, the reference: a bare node:http proxy (bench/download-reference.js, a process of its own) piping the
// same number of bytes from a loopback upstream that sends one preallocated buffer again and again. Its growth is what
// Node itself costs for a pipe of that size, the floor the gateway is compared with.
'use strict';
const { fork } = require('node:child_process');
const http = require('node:http');
const { readFileSync } = require('node:fs');
const { startVendorSim, spawnGateway, round, knob, loadInOwnProcess } = require('./support');

const gib = knob('DOWNLOAD_GIB', 2);
const referenceGcEveryMib = knob('REFERENCE_GC_EVERY_MIB', 0);
const port = knob('BENCH_PORT', 3500);
// Downloads of the file read at once through the gateway (each the whole file); the reference pipes one.
const concurrent = knob('CONCURRENT_DOWNLOADS', 1);
// Seconds of warm `GET /images?limit=50` (20 connections) from a second after the download starts: what the download,
// and the collections it forces, cost the API's reads meanwhile. 0: none.
const readsDuring = knob('READS_DURING_SECONDS', 0);
// The gateway's own knob, passed through when set (unset: its default).
const reclaimEnv = process.env.DOWNLOAD_RECLAIM_EVERY_MIB ? { DOWNLOAD_RECLAIM_EVERY_MIB: process.env.DOWNLOAD_RECLAIM_EVERY_MIB } : {};
const account = { CECSTACK_TENANT_ID: '7074927169066926081', CECSTACK_DEPARTMENT_ID: '7074631167051202560' };

function rssMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function post(base, path, body) {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Samples a process' RSS every 50 ms while `work` runs; the growth over the RSS before. */
async function rssDuring(pid, work) {
  const before = rssMiB(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);
  try {
    return { result: await work(), rss: { before: round(before), peak: round(peak), growth: round(peak - before) } };
  } finally {
    clearInterval(sampler);
  }
}

async function readToEnd(url) {
  const response = await fetch(url);
  let received = 0;
  for await (const chunk of response.body) received += chunk.length;
  return { status: response.status, received, contentLength: Number(response.headers.get('content-length')) };
}

/** `count` reads of `url` at once: the first's status and length, the bytes of all. */
async function readAll(url, count) {
  const reads = await Promise.all(Array.from({ length: count }, () => readToEnd(url)));
  return { ...reads[0], received: reads.reduce((sum, read) => sum + read.received, 0) };
}

/**
 * The bare pipe's growth for `sizeBytes`: an upstream in this process, the proxy in its own (`gcEveryMib`: with a
 * minor collection forced after every that many MiB, and the time those took).
 */
async function referencePipe(sizeBytes, gcEveryMib = 0) {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const upstream = http.createServer((request, response) => {
    let left = sizeBytes;
    response.writeHead(200, { 'content-length': sizeBytes });
    const pump = () => {
      while (left > 0) {
        const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= part.length;
        if (!response.write(part)) return response.once('drain', pump);
      }
      response.end();
    };
    pump();
  });
  await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const proxyPort = port + 1;
  const proxy = fork(require.resolve('./download-reference'), [String(proxyPort), `http://127.0.0.1:${upstream.address().port}/`], { env: { ...process.env, GC_EVERY_MIB: String(gcEveryMib) } });
  try {
    await new Promise((resolve, reject) => proxy.once('message', resolve).once('exit', reject));
    // Settled first, as the gateway is after its set-up requests.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = performance.now();
    const { result, rss } = await rssDuring(proxy.pid, () => readToEnd(`http://127.0.0.1:${proxyPort}/`));
    const seconds = (performance.now() - started) / 1000;
    const measured = { received: result.received, mibPerSecond: round(result.received / 2 ** 20 / seconds), rssMiB: rss };
    if (gcEveryMib === 0) return measured;
    proxy.send('collect-ms');
    const { collectMs } = await new Promise((resolve) => proxy.once('message', resolve));
    return { ...measured, gcEveryMib, forcedGcShareOfTime: round(collectMs / 1000 / seconds, 3) };
  } finally {
    proxy.kill();
    upstream.close();
  }
}

async function main() {
  const sim = await startVendorSim({ host: '127.0.0.1', stepMs: 50 });
  const gateway = await spawnGateway(sim, port, { ...account, PROVIDER_TIMEOUT_MS: '10000', ...reclaimEnv, ...(process.env.GATEWAY_NODE_OPTIONS ? { NODE_OPTIONS: process.env.GATEWAY_NODE_OPTIONS } : {}) });
  try {
    const sizeBytes = gib * 2 ** 30;
    const created = await post(gateway.base, '/images', {
      provider: 'cecstack', name: 'bench-download', diskFormat: 'qcow2', minDiskGiB: Math.ceil(gib) + 1, minRamMiB: 1024,
      osType: 'linux', platform: 'CentOS', osVersion: '8.2', architecture: 'x86_64', bits: 64,
    });
    const id = created.image.id;
    await post(gateway.base, `/images/${id}/upload`, { sizeBytes });
    await post(gateway.base, `/images/${id}/upload/complete`, { result: 'success' });
    for (let i = 0; ; i++) {
      const image = await (await fetch(`${gateway.base}/images/${id}`)).json();
      if (image.status === 'available') break;
      if (i > 100) throw new Error(`image never became available: ${JSON.stringify(image)}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // What the gateway itself holds (V8 heap and buffers), as its own /metrics reports it.
    let peakHeldMiB = 0;
    const heldNow = async () => {
      const text = await (await fetch(`${gateway.base}/metrics`)).text();
      const value = (name) => Number((text.match(new RegExp(`^${name} (\\S+)`, 'm')) || [])[1] || 0);
      return (value('nodejs_heap_size_used_bytes') + value('nodejs_external_memory_bytes')) / 2 ** 20;
    };
    const heldBefore = await heldNow();
    const metricsSampler = setInterval(() => heldNow().then((v) => (peakHeldMiB = Math.max(peakHeldMiB, v)), () => undefined), 250);
    const listUrl = `${gateway.base}/images?limit=50`;
    if (readsDuring > 0) await fetch(listUrl);
    const started = performance.now();
    const reads = readsDuring > 0 ? new Promise((resolve) => setTimeout(resolve, 1000)).then(() => loadInOwnProcess(listUrl, { connections: 20, seconds: readsDuring })) : null;
    const { result: read, rss } = await rssDuring(gateway.child.pid, () => readAll(`${gateway.base}/images/${id}/file`, concurrent));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(metricsSampler);
    const result = {
      sizeBytes, concurrent, ...read, seconds: round(seconds, 2), mibPerSecond: round(read.received / 2 ** 20 / seconds),
      gatewayRssMiB: rss,
      gatewayHeapPlusBuffersMiB: { before: round(heldBefore), peak: round(peakHeldMiB), growth: round(peakHeldMiB - heldBefore) },
    };
    if (reads) result.readsDuringDownload = await reads;
    const reference = await referencePipe(sizeBytes);
    result.referenceBareNodePipe = reference;
    result.growthRatio = round(result.gatewayRssMiB.growth / reference.rssMiB.growth, 2);
    // What bounding the growth would take: the bare pipe with collections forced from its data path.
    if (referenceGcEveryMib > 0) result.referenceWithForcedGc = await referencePipe(sizeBytes, referenceGcEveryMib);
    console.log(JSON.stringify(result, null, 2));
    if (read.received !== sizeBytes * concurrent || reference.received !== sizeBytes || (result.referenceWithForcedGc && result.referenceWithForcedGc.received !== sizeBytes)) process.exitCode = 1;
  } finally {
    await gateway.stop();
    await sim.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
