import { RunningSim } from '../apps/vendor-sim/src';
import { Gateway, SimAdmin, VENDORS, Vendor, getJson, simEnv, startGateway, startSim } from './support/stack';

const TIMEOUT_MS = 1500;

/** The vendor's own "your credentials are wrong" error, as each vendor sends it. */
const AUTH_ERROR: Record<Vendor, string | number> = { didi: 4, huawei: 'APIGW.0301', ucloud: 171, cecstack: 'IMG.OperationDenied.AuthFail' };

const FAULTS: Array<[string, (vendor: Vendor) => Record<string, unknown>, string]> = [
  ['a vendor auth error', (vendor) => ({ kind: 'error', code: AUTH_ERROR[vendor] }), 'UPSTREAM_AUTH_FAILED'],
  ['throttling', () => ({ kind: 'throttle' }), 'RATE_LIMITED'],
  ['a hang', () => ({ kind: 'hang' }), 'UPSTREAM_TIMEOUT'],
  ['a garbage body', () => ({ kind: 'garbage' }), 'UPSTREAM_BAD_RESPONSE'],
  ['JSON of the wrong shape', () => ({ kind: 'badshape' }), 'UPSTREAM_BAD_RESPONSE'],
  ['a connection reset', () => ({ kind: 'reset' }), 'UPSTREAM_UNAVAILABLE'],
  ['a bare 503', () => ({ kind: 'status', httpStatus: 503 }), 'UPSTREAM_UNAVAILABLE'],
  ['latency past the budget', () => ({ kind: 'latency', latencyMs: TIMEOUT_MS + 1000 }), 'UPSTREAM_TIMEOUT'],
  ['a fault on a later page only', (vendor) => ({ kind: 'garbage', pathContains: LATER_PAGE[vendor] }), 'UPSTREAM_BAD_RESPONSE'],
];

/** Text that only a second-page request of each vendor carries. */
const LATER_PAGE: Record<Vendor, string> = { didi: '"start":100', huawei: 'offset=100', ucloud: 'Offset=100', cecstack: 'current=2' };

describe('one vendor failing degrades only its own slice', () => {
  let sim: RunningSim;
  let gateway: Gateway;
  let admin: SimAdmin;
  let fullCounts: Record<string, number>;

  beforeAll(async () => {
    sim = await startSim();
    admin = new SimAdmin(sim);
    // A high breaker threshold: these tests look at single failures, the breaker has its own test.
    gateway = await startGateway(sim, { env: { PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS), CIRCUIT_FAILURE_THRESHOLD: '1000' } });
    const { body } = await getJson(`${gateway.url}/images?limit=1`);
    fullCounts = Object.fromEntries(body.sources.map((s: { provider: string; count: number }) => [s.provider, s.count]));
  });

  afterEach(async () => {
    await admin.clearFaults();
  });

  afterAll(async () => {
    await gateway?.close();
    await sim?.close();
  });

  for (const vendor of VENDORS) {
    it.each(FAULTS)(`${vendor}: %s marks its slice and leaves the other three complete`, async (_label, fault, code) => {
      await admin.fault(vendor, fault(vendor));
      const started = Date.now();
      const { status, body } = await getJson(`${gateway.url}/images?refresh=true&limit=5`);
      const elapsed = Date.now() - started;
      expect(status).toBe(200);
      expect(body.complete).toBe(false);
      for (const source of body.sources) {
        if (source.provider === vendor) {
          // The stale catalog from beforeAll is served, marked, with the error that stopped the refresh.
          expect(source.status).toBe('stale');
          expect(source.cache).toBe('stale');
          expect(source.error).toMatchObject({ code, provider: vendor, type: `/problems/${code.toLowerCase().replace(/_/g, '-')}` });
        } else {
          expect(source).toMatchObject({ status: 'ok', cache: 'bypass', count: fullCounts[source.provider] });
        }
      }
      // A hang or a slow vendor is bounded by the budget (plus scheduling slack), never longer.
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 1500);
    });
  }

  it('bounds a hang by PROVIDER_TIMEOUT_MS and keeps the other slices fast', async () => {
    await admin.fault('huawei', { kind: 'hang' });
    const started = Date.now();
    const { body } = await getJson(`${gateway.url}/images?refresh=true&limit=1`);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1000);
    const huawei = body.sources.find((s: { provider: string }) => s.provider === 'huawei');
    expect(huawei.error.code).toBe('UPSTREAM_TIMEOUT');
    for (const other of body.sources.filter((s: { provider: string }) => s.provider !== 'huawei')) expect(other.latencyMs).toBeLessThan(TIMEOUT_MS);
  });

  it('keeps the vendor upstream details in the problem (code, message, request id)', async () => {
    await admin.fault('ucloud', { kind: 'error', code: 171 });
    const { body } = await getJson(`${gateway.url}/images?refresh=true&limit=1`);
    const ucloud = body.sources.find((s: { provider: string }) => s.provider === 'ucloud');
    expect(ucloud.error.upstream).toMatchObject({ status: 200, code: '171' });
    expect(ucloud.error.detail).toContain('171');
  });
});

describe('when nothing stale is available', () => {
  let sim: RunningSim;
  let gateway: Gateway;
  let admin: SimAdmin;

  beforeAll(async () => {
    sim = await startSim();
    admin = new SimAdmin(sim);
  });
  // A new gateway (memory cache only) per test: nothing cached, so nothing stale to fall back on.
  beforeEach(async () => {
    gateway = await startGateway(sim, { redis: false, env: { PROVIDER_TIMEOUT_MS: '1000', CIRCUIT_FAILURE_THRESHOLD: '1000' } });
  });
  afterEach(async () => {
    await admin.clearFaults();
    await gateway.close();
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('a failing vendor is an error slice on a cold cache, and the answer is still 200', async () => {
    await admin.fault('didi', { kind: 'error', code: 2 });
    const { status, body } = await getJson(`${gateway.url}/images?limit=1`);
    expect(status).toBe(200);
    const didi = body.sources.find((s: { provider: string }) => s.provider === 'didi');
    expect(didi).toMatchObject({ status: 'error', cache: 'miss', count: 0, error: { code: 'UPSTREAM_ERROR', upstream: { code: '2' } } });
  });

  it('with one provider selected, its failure is the answer, with its own status and code', async () => {
    await admin.fault('ucloud', { kind: 'throttle' });
    const { status, headers, body } = await getJson(`${gateway.url}/images?provider=ucloud&refresh=true`);
    expect(status).toBe(429);
    expect(headers.get('content-type')).toContain('application/problem+json');
    expect(body).toMatchObject({ code: 'RATE_LIMITED', provider: 'ucloud', instance: '/images' });
  });

  it('with several selected and all failing, 502 ALL_PROVIDERS_FAILED with sources', async () => {
    await admin.fault('huawei', { kind: 'status', httpStatus: 503 });
    await admin.fault('cecstack', { kind: 'reset' });
    const { status, body } = await getJson(`${gateway.url}/images?provider=huawei,cecstack&refresh=true`);
    expect(status).toBe(502);
    expect(body.code).toBe('ALL_PROVIDERS_FAILED');
    expect(body.sources.map((s: { provider: string; error: { code: string } }) => [s.provider, s.error.code])).toEqual([
      ['huawei', 'UPSTREAM_UNAVAILABLE'],
      ['cecstack', 'UPSTREAM_UNAVAILABLE'],
    ]);
    // The access line of a failed request still says what each provider did.
    const line = gateway.logs.map((l) => JSON.parse(l) as { msg?: string; status?: number; sources?: Array<{ provider: string; code?: string }>; problem?: { code: string } }).find((l) => l.msg === 'request' && l.status === 502);
    expect(line?.problem).toEqual({ code: 'ALL_PROVIDERS_FAILED' });
    expect(line?.sources?.map((s) => [s.provider, s.code])).toEqual([['huawei', 'UPSTREAM_UNAVAILABLE'], ['cecstack', 'UPSTREAM_UNAVAILABLE']]);
  });
});

describe('the circuit breaker', () => {
  let sim: RunningSim;
  let gateway: Gateway;
  let admin: SimAdmin;

  beforeAll(async () => {
    sim = await startSim();
    admin = new SimAdmin(sim);
    gateway = await startGateway(sim, { redis: false, env: { PROVIDER_TIMEOUT_MS: '500', CIRCUIT_FAILURE_THRESHOLD: '3', CIRCUIT_HALF_OPEN_AFTER_MS: '500' } });
  });
  afterAll(async () => {
    await admin.clearFaults();
    await gateway?.close();
    await sim?.close();
  });

  it('opens under a hang, then answers in milliseconds, then closes once the vendor recovers', async () => {
    await admin.fault('didi', { kind: 'hang' });
    for (let i = 0; i < 3; i++) await getJson(`${gateway.url}/images?provider=didi,huawei&refresh=true&limit=1`);
    const providers = await getJson(`${gateway.url}/providers`);
    expect(providers.body.providers.find((p: { id: string }) => p.id === 'didi').circuit).toBe('open');

    const started = Date.now();
    const { body } = await getJson(`${gateway.url}/images?provider=didi,huawei&refresh=true&limit=1`);
    expect(Date.now() - started).toBeLessThan(300);
    expect(body.sources[0].error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await (await fetch(`${gateway.url}/metrics`)).text()).toContain('gateway_circuit_state{provider="didi"} 2');

    await admin.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const recovered = await getJson(`${gateway.url}/images?provider=didi&refresh=true&limit=1`);
    expect(recovered.status).toBe(200);
    expect(recovered.body.sources[0].status).toBe('ok');
  });
});

describe('secrets', () => {
  it('no credential appears in the logs or problems of a run with every fault, even when vendors echo them', async () => {
    const sim = await startSim();
    const admin = new SimAdmin(sim);
    const env = simEnv(sim);
    const secrets = [env.DIDI_TOKEN, env.HUAWEI_AK, env.HUAWEI_SK, env.UCLOUD_PUBLIC_KEY, env.UCLOUD_PRIVATE_KEY, env.CECSTACK_TOKEN];

    // The simulator really does echo: straight from DiDi, the token comes back in the error message.
    await admin.fault('didi', { kind: 'error', code: 4, echoCredentials: true });
    const raw = await fetch(`${sim.urls.didi}/dicloud/i/storage/cimg/list`, {
      method: 'POST', headers: { authorization: `Bearer ${env.DIDI_TOKEN}`, 'content-type': 'application/json' }, body: '{"regionId":"bj","start":0,"limit":1}',
    });
    expect(await raw.text()).toContain(env.DIDI_TOKEN);
    await admin.clearFaults();

    const gateway = await startGateway(sim, { env: { PROVIDER_TIMEOUT_MS: '800', CIRCUIT_FAILURE_THRESHOLD: '1000' } });
    const bodies: string[] = [];
    try {
      for (const vendor of VENDORS) {
        const faults = [...FAULTS.map(([, fault]) => fault(vendor)), { kind: 'error', code: AUTH_ERROR[vendor], echoCredentials: true }];
        for (const fault of faults) {
          await admin.fault(vendor, fault);
          const response = await fetch(`${gateway.url}/images?refresh=true&provider=${vendor}`);
          bodies.push(await response.text());
        }
        await admin.clearFaults();
      }
      bodies.push(await (await fetch(`${gateway.url}/metrics`)).text());
      bodies.push(await (await fetch(`${gateway.url}/providers`)).text());
      bodies.push(await (await fetch(`${gateway.url}/health`)).text());
    } finally {
      await gateway.close();
      await sim.close();
    }
    const everything = [...gateway.logs, ...bodies].join('\n');
    expect(gateway.logs.length).toBeGreaterThan(20);
    expect(everything).toContain('UPSTREAM_AUTH_FAILED');
    // The echoed credentials reached the gateway and were scrubbed.
    expect(bodies.filter((body) => body.includes('[REDACTED]')).length).toBeGreaterThanOrEqual(VENDORS.length);
    for (const secret of secrets) expect(everything).not.toContain(secret);
    // Each line names its provider once: a repeated key is invalid for strict JSON parsers.
    const failedCalls = gateway.logs.filter((line) => line.includes('"msg":"upstream call failed"'));
    expect(new Set(failedCalls.map((line) => (JSON.parse(line) as { provider: string }).provider))).toEqual(new Set(VENDORS));
    for (const line of failedCalls) expect(line.match(/"provider":/g)).toHaveLength(1);
  });
});
