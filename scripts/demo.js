#!/usr/bin/env node
// `npm run demo`: the four vendor simulators and the gateway wired to them, no accounts, no configuration.
'use strict';
const { spawn } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const path = require('node:path');
const { demoProviderEnv } = require('./demo-env');

const root = path.resolve(__dirname, '..');
const sim = require(path.join(root, 'dist/apps/vendor-sim/apps/vendor-sim/src/index.js'));
const gatewayMain = path.join(root, 'dist/apps/gateway/apps/gateway/src/main.js');
const port = process.env.PORT || '3000';
const simPortBase = Number(process.env.SIM_PORT_BASE || 4100);

async function main() {
  const running = await sim.startVendorSim({
    host: '127.0.0.1',
    ports: { admin: simPortBase, didi: simPortBase + 1, huawei: simPortBase + 2, ucloud: simPortBase + 3, cecstack: simPortBase + 4 },
    latencyMs: Number(process.env.SIM_LATENCY_MS || 0),
  });
  // Two callers, made up for this run: the gateway is configured with their hashes only (API.md section 8).
  const readKey = `demo-read-${randomBytes(18).toString('base64url')}`;
  const fullKey = `demo-full-${randomBytes(18).toString('base64url')}`;
  const sha256 = (key) => createHash('sha256').update(key).digest('hex');
  const env = {
    AUTH_API_KEYS: `web:images.read:${sha256(readKey)},deployer:images.read+images.write+images.files+ops:${sha256(fullKey)}`,
    // A browser cannot send a key when it opens /docs; its "Authorize" button takes one for "Try it out".
    DOCS_PUBLIC: 'true',
    ...process.env,
    PORT: port,
    ...demoProviderEnv(running),
  };
  const gateway = spawn(process.execPath, [gatewayMain], { env, stdio: ['ignore', 'inherit', 'inherit'] });

  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/health/ready`, gateway);
  const admin = running.urls.admin;
  console.log(`
images-gateway demo: gateway ${base}, vendor simulators ${Object.entries(running.urls).map(([k, v]) => `${k}=${v}`).join(' ')}

Callers (keys made up for this run; the gateway holds only their SHA-256):
  READ='${readKey}'   # "web": images.read
  FULL='${fullKey}'   # "deployer": images.read, images.write, images.files, ops

Try:
  curl -s '${base}/images?limit=5' -H "Authorization: Bearer $READ" | jq
  curl -s '${base}/images?provider=huawei,ucloud&osType=windows&sort=name&limit=3' -H "Authorization: Bearer $READ" | jq '.items[].name, .page, .sources'
  curl -s '${base}/images?name=centos&sort=-sizeBytes&limit=3' -H "Authorization: Bearer $READ" | jq '.items[] | {id, name, sizeBytes}'
  curl -s '${base}/images/didi:4a48f88391134a01befe88ff98b68a88' -H "X-Api-Key: $READ" | jq
  curl -s '${base}/providers' -H "Authorization: Bearer $READ" | jq
  curl -s '${base}/images?limit=0' -H "Authorization: Bearer $READ" | jq            # a problem+json 400
  curl -si '${base}/images'                                                             # 401: no credentials
  curl -s -X DELETE '${base}/images/cecstack:img-1' -H "Authorization: Bearer $READ" | jq   # 403: images.write needed
  curl -s -X PUT ${admin}/faults/ucloud -H 'content-type: application/json' -d '{"kind":"hang"}'
  curl -s '${base}/images?refresh=true&limit=1' -H "Authorization: Bearer $FULL" | jq '.sources, .complete'   # ucloud is stale or failed, the rest answer
  curl -s -X DELETE ${admin}/faults
  curl -s '${base}/metrics' -H "Authorization: Bearer $FULL" | head · curl -s '${base}/health' -H "Authorization: Bearer $FULL" | jq
  open ${base}/docs  (OpenAPI UI: "Authorize" with $READ or $FULL)

Ctrl-C stops everything.`);

  const stop = async (code) => {
    // SIGINT: an interactive stop, without the readiness delay meant for orchestrators.
    gateway.kill('SIGINT');
    await running.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  gateway.on('exit', (code) => void stop(code ?? 1));
}

async function waitFor(url, child) {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error('the gateway exited during start-up');
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the gateway did not become ready at ${url}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
