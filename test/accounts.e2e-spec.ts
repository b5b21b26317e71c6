import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningSim } from '../apps/vendor-sim/src';
import { GATEWAY_MAIN, OPEN_GATEWAY_ENV, spawnGateway } from './support/processes';
import { Gateway, SimAdmin, VENDORS, Vendor, getJson, sendJson, startGateway, startSim } from './support/stack';

// Two CECSTACK accounts (PROVIDERS_FILE, API.md section 2) on two simulators: one gateway, two provider ids.

type Source = { provider: string; status: string; cache: string; count: number; error?: { code: string; provider: string } };
type ListedImage = { id: string; provider: string; providerImageId: string; name: string | null };

describe('two accounts of one vendor (PROVIDERS_FILE)', () => {
  let prod: RunningSim;
  let lab: RunningSim;
  let prodAdmin: SimAdmin;
  let labAdmin: SimAdmin;
  let gateway: Gateway;
  let dir: string;

  const url = (path: string) => `${gateway.url}${path}`;
  const images = async (query: string) => {
    const answer = await getJson<{ items: ListedImage[]; sources: Source[] }>(url(`/images?limit=200&${query}`));
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const requestsOf = async (admin: SimAdmin) => (await admin.stats()).cecstack.requests;

  beforeAll(async () => {
    [prod, lab] = await Promise.all([startSim(), startSim()]);
    prodAdmin = new SimAdmin(prod);
    labAdmin = new SimAdmin(lab);
    dir = mkdtempSync(join(tmpdir(), 'gw-accounts-e2e-'));
    // The lab token comes from a mounted file, as a Kubernetes secret would.
    writeFileSync(join(dir, 'lab-token'), `${lab.credentials.cecstackToken}\n`);
    const account = (sim: RunningSim) => ({ vendor: 'cecstack', endpoint: sim.urls.cecstack, regionId: sim.credentials.cecstackRegionId });
    writeFileSync(join(dir, 'providers.yaml'), [
      'providers:',
      `  - {id: cec-prod, vendor: cecstack, endpoint: "${account(prod).endpoint}", token: "${prod.credentials.cecstackToken}", regionId: "${account(prod).regionId}"}`,
      `  - {id: cec-lab, vendor: cecstack, endpoint: "${account(lab).endpoint}", tokenFile: "${join(dir, 'lab-token')}", regionId: "${account(lab).regionId}"}`,
      '',
    ].join('\n'));
    gateway = await startGateway(prod, { env: { PROVIDERS_FILE: join(dir, 'providers.yaml'), CIRCUIT_FAILURE_THRESHOLD: '2', CIRCUIT_HALF_OPEN_AFTER_MS: '60000', PROVIDER_TIMEOUT_MS: '1500' } });
  });

  afterEach(async () => {
    await Promise.all([prodAdmin.clearFaults(), labAdmin.clearFaults()]);
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([prod?.close(), lab?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists both accounts as providers of vendor cecstack, and no account of the per-vendor variables', async () => {
    const { status, body } = await getJson(url('/providers'));
    expect(status).toBe(200);
    expect(body.providers.map((p: { id: string; vendor: string }) => [p.id, p.vendor])).toEqual([['cec-prod', 'cecstack'], ['cec-lab', 'cecstack']]);
  });

  it('merges both catalogs, each image id prefixed by its account, and filters by account', async () => {
    const all = await images('');
    expect(all.sources.map((s) => [s.provider, s.status])).toEqual([['cec-prod', 'ok'], ['cec-lab', 'ok']]);
    const counts = Object.fromEntries(all.sources.map((s) => [s.provider, s.count]));
    expect(counts['cec-prod']).toBeGreaterThan(0);
    expect(counts['cec-lab']).toBe(counts['cec-prod']);

    const onlyLab = await images('provider=cec-lab');
    expect(onlyLab.sources.map((s) => s.provider)).toEqual(['cec-lab']);
    expect(onlyLab.items.length).toBeGreaterThan(0);
    for (const image of onlyLab.items) {
      expect(image.provider).toBe('cec-lab');
      expect(image.id).toBe(`cec-lab:${image.providerImageId}`);
    }
    const [first] = onlyLab.items;
    expect((await getJson(url(`/images/${encodeURIComponent(first.id)}`))).body).toMatchObject({ id: first.id, provider: 'cec-lab' });
    const unknown = await getJson(url('/images?provider=cecstack'));
    expect(unknown.status).toBe(400);
  });

  it('sends a write through the owning account only: a rename of a lab image reaches the lab simulator, not prod', async () => {
    const own = (await images('provider=cec-lab&visibility=private&status=available')).items;
    expect(own.length).toBeGreaterThan(0);
    const target = own[0];
    await Promise.all([prodAdmin.resetStats(), labAdmin.resetStats()]);

    const renamed = await sendJson('PATCH', url(`/images/${encodeURIComponent(target.id)}`), { name: 'e2e lab only' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: target.id, provider: 'cec-lab', name: 'e2e lab only' });
    expect(await requestsOf(labAdmin)).toBeGreaterThan(0);
    expect(await requestsOf(prodAdmin)).toBe(0);
    // The account follows its vendor's rules: CECSTACK's PUT has no description, refused before any call.
    const refused = await sendJson('PATCH', url(`/images/${encodeURIComponent(target.id)}`), { description: 'no place for it' });
    expect([refused.status, refused.body.code, refused.body.errors?.[0]?.field]).toEqual([400, 'VALIDATION_FAILED', 'description']);

    // Both simulators started with the same catalog: prod's copy of the image keeps its name.
    const prodCopy = await getJson(url(`/images/cec-prod:${encodeURIComponent(target.providerImageId)}`));
    expect(prodCopy.body.name).toBe(target.name);
    expect((await images('name=e2e%20lab%20only')).items.map((image) => image.id)).toEqual([target.id]);
  });

  it('keeps a cache per account: a refresh of one refetches only its own simulator', async () => {
    await images('');
    await Promise.all([prodAdmin.resetStats(), labAdmin.resetStats()]);
    const refreshed = await images('provider=cec-lab&refresh=true');
    expect(refreshed.sources.map((s) => [s.provider, s.cache])).toEqual([['cec-lab', 'bypass']]);
    expect(await requestsOf(labAdmin)).toBeGreaterThan(0);
    expect(await requestsOf(prodAdmin)).toBe(0);

    const cached = await images('');
    expect(cached.sources.map((s) => [s.provider, s.cache])).toEqual([['cec-prod', 'hit'], ['cec-lab', 'hit']]);
    expect(await requestsOf(prodAdmin)).toBe(0);
  });

  it('opens only the failing account\'s circuit; the other account\'s slice stays ok', async () => {
    await labAdmin.fault('cecstack', { kind: 'status', httpStatus: 503 });
    for (let i = 0; i < 3; i++) await images('refresh=true');

    const states = (await getJson(url('/providers'))).body.providers.map((p: { id: string; circuit: string }) => [p.id, p.circuit]);
    expect(states).toEqual([['cec-prod', 'closed'], ['cec-lab', 'open']]);
    const answer = await images('refresh=true');
    const byProvider = Object.fromEntries(answer.sources.map((s) => [s.provider, s]));
    expect(byProvider['cec-prod']).toMatchObject({ status: 'ok', cache: 'bypass' });
    expect(byProvider['cec-lab']).toMatchObject({ status: 'stale', error: { code: 'UPSTREAM_UNAVAILABLE', provider: 'cec-lab' } });

    const metrics = await (await fetch(url('/metrics'))).text();
    expect(metrics).toContain('gateway_circuit_state{provider="cec-lab"} 2');
    expect(metrics).toContain('gateway_circuit_state{provider="cec-prod"} 0');
    expect(metrics).toMatch(/gateway_upstream_requests_total\{provider="cec-prod",operation="[^"]+",outcome="ok"\} \d+/);
    // No metric, log line or problem names the vendor instead of the account.
    expect(metrics).not.toContain('provider="cecstack"');
  });
});

describe('the built gateway with PROVIDERS_FILE', () => {
  let sim: RunningSim;
  let dir: string;

  beforeAll(async () => {
    sim = await startSim();
    dir = mkdtempSync(join(tmpdir(), 'gw-accounts-main-'));
  });
  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, providers: unknown[]) => {
    writeFileSync(join(dir, name), JSON.stringify({ providers }));
    return join(dir, name);
  };
  const account = (id: string, fields: Record<string, unknown> = {}) => ({
    id, vendor: 'cecstack', endpoint: sim.urls.cecstack, token: sim.credentials.cecstackToken, regionId: sim.credentials.cecstackRegionId, ...fields,
  });

  it('starts with two accounts of one vendor and logs their ids', async () => {
    const gateway = await spawnGateway({ PROVIDERS_FILE: write('good.json', [account('cec-a'), account('cec-b')]) });
    try {
      const { body } = await getJson(`${gateway.url}/providers`);
      expect(body.providers.map((p: { id: string }) => p.id)).toEqual(['cec-a', 'cec-b']);
      expect(gateway.lines.some((line) => line.includes('"providers":["cec-a","cec-b"]'))).toBe(true);
    } finally {
      expect(await gateway.kill()).toBe(0);
    }
  });

  it('refuses a bad file at start-up: exit 1, one line naming file, account and field, no secret', () => {
    const path = write('bad.json', [account('cec-a'), account('cec-b', { regionId: undefined, tenantId: 't' })]);
    const run = spawnSync(process.execPath, [GATEWAY_MAIN], { env: { PATH: process.env.PATH ?? '', ...OPEN_GATEWAY_ENV, PROVIDERS_FILE: path }, encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`images-gateway: configuration error: PROVIDERS_FILE ${path}: providers[1] (cec-b) regionId: is missing: endpoint, token and regionId are set together\n`);
    expect(run.stderr + run.stdout).not.toContain(sim.credentials.cecstackToken);
  });
});

describe('an account of every vendor under an id of its own', () => {
  let sim: RunningSim;
  let admin: SimAdmin;
  let gateway: Gateway;
  let dir: string;
  const ID: Record<Vendor, string> = { didi: 'didi-two', huawei: 'hw-eu', ucloud: 'uc-1', cecstack: 'cec-x' };

  beforeAll(async () => {
    sim = await startSim();
    admin = new SimAdmin(sim);
    dir = mkdtempSync(join(tmpdir(), 'gw-accounts-vendors-'));
    const c = sim.credentials;
    writeFileSync(join(dir, 'sk'), c.huaweiSk);
    const providers = [
      { id: ID.didi, vendor: 'didi', endpoint: sim.urls.didi, token: c.didiToken, regions: ['bj', 'gz'] },
      { id: ID.huawei, vendor: 'huawei', endpoint: sim.urls.huawei, projectId: c.huaweiProjectId, ak: c.huaweiAk, skFile: join(dir, 'sk') },
      { id: ID.ucloud, vendor: 'ucloud', endpoint: sim.urls.ucloud, publicKey: c.ucloudPublicKey, privateKey: c.ucloudPrivateKey },
      { id: ID.cecstack, vendor: 'cecstack', endpoint: sim.urls.cecstack, token: c.cecstackToken, regionId: c.cecstackRegionId },
    ];
    writeFileSync(join(dir, 'providers.json'), JSON.stringify({ providers }));
    gateway = await startGateway(sim, { redis: false, env: { PROVIDERS_FILE: join(dir, 'providers.json'), CIRCUIT_FAILURE_THRESHOLD: '1000' } });
  });
  afterEach(async () => {
    await admin.clearFaults();
  });
  afterAll(async () => {
    await gateway?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists every vendor\'s images under its account id', async () => {
    const { body } = await getJson(`${gateway.url}/images?limit=200`);
    expect(body.sources.map((s: Source) => [s.provider, s.status])).toEqual(VENDORS.map((vendor) => [ID[vendor], 'ok']));
    const providers = new Set(body.items.map((image: ListedImage) => image.provider));
    expect(providers.size).toBeGreaterThan(1);
    for (const image of body.items as ListedImage[]) expect(image.id).toBe(`${image.provider}:${image.providerImageId}`);
    expect([...providers].every((provider) => Object.values(ID).includes(provider as string))).toBe(true);
  });

  it.each(VENDORS)('%s: a vendor error names the account', async (vendor) => {
    await admin.fault(vendor, { kind: 'garbage' });
    const { status, body } = await getJson(`${gateway.url}/images?provider=${ID[vendor]}&refresh=true`);
    // The catalog of the test before is served stale, marked with the error that stopped the refresh.
    expect(status).toBe(200);
    expect(body.sources).toEqual([expect.objectContaining({ provider: ID[vendor], status: 'stale', error: expect.objectContaining({ code: 'UPSTREAM_BAD_RESPONSE', provider: ID[vendor] }) })]);
  });
});
