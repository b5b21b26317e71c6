#!/usr/bin/env node
// Benchmark (not a test): a 2 GiB CECSTACK download streamed through the gateway, with the gateway's resident
// memory sampled from /proc while it runs. Usage: npm run bench:download   (env: DOWNLOAD_GIB=2)
'use strict';
const { readFileSync } = require('node:fs');
const { startVendorSim, spawnGateway, round } = require('./support');

const gib = Number(process.env.DOWNLOAD_GIB || 2);
const port = Number(process.env.BENCH_PORT || 3500);
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

async function main() {
  const sim = await startVendorSim({ host: '127.0.0.1', stepMs: 50 });
  const gateway = await spawnGateway(sim, port, { ...account, PROVIDER_TIMEOUT_MS: '10000', ...(process.env.GATEWAY_NODE_OPTIONS ? { NODE_OPTIONS: process.env.GATEWAY_NODE_OPTIONS } : {}) });
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

    const pid = gateway.child.pid;
    const before = rssMiB(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);
    // What the gateway itself holds (V8 heap and buffers), as its own /metrics reports it.
    let peakHeldMiB = 0;
    const heldNow = async () => {
      const text = await (await fetch(`${gateway.base}/metrics`)).text();
      const value = (name) => Number((text.match(new RegExp(`^${name} (\\S+)`, 'm')) || [])[1] || 0);
      return (value('nodejs_heap_size_used_bytes') + value('nodejs_external_memory_bytes')) / 2 ** 20;
    };
    const heldBefore = await heldNow();
    const metricsSampler = setInterval(() => heldNow().then((v) => (peakHeldMiB = Math.max(peakHeldMiB, v)), () => undefined), 250);
    const started = performance.now();
    const response = await fetch(`${gateway.base}/images/${id}/file`);
    let received = 0;
    for await (const chunk of response.body) received += chunk.length;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    clearInterval(metricsSampler);
    const result = {
      sizeBytes, received, status: response.status, contentLength: Number(response.headers.get('content-length')),
      seconds: round(seconds, 2), mibPerSecond: round(received / 2 ** 20 / seconds),
      gatewayRssMiB: { before: round(before), peak: round(peak), growth: round(peak - before) },
      gatewayHeapPlusBuffersMiB: { before: round(heldBefore), peak: round(peakHeldMiB), growth: round(peakHeldMiB - heldBefore) },
    };
    console.log(JSON.stringify(result, null, 2));
    if (received !== sizeBytes) process.exitCode = 1;
  } finally {
    await gateway.stop();
    await sim.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
