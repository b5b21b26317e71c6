import { VENDORS, Vendor, getJson, startGateway } from './support/stack';
import { sleep, useSim, useSimAndGateway } from './support/suite-setup';

// Resilience to a misbehaving vendor: stale catalogs, retried throttles, the circuit breaker, and a lookup by id
// that falls back on the cached catalog.

type Source = { provider: string; status: string; cache: string; ageSeconds?: number; latencyMs: number; error?: { code: string } };
const sourceOf = (body: { sources: Source[] }, vendor: string) => body.sources.find((s) => s.provider === vendor)!;

describe.each(VENDORS)('%s misbehaving', (vendor: Vendor) => {
  const suite = useSim();
  afterEach(() => suite.admin.clearFaults());

  it('serves its stale catalog, marked, when the vendor fails after the TTL', async () => {
    const gateway = await startGateway(suite.sim, { redis: false, env: { CACHE_TTL_SECONDS: '1', CACHE_STALE_SECONDS: '60', PROVIDER_TIMEOUT_MS: '800' } });
    try {
      const warm = await getJson(`${gateway.url}/images?limit=1`);
      const expected = sourceOf(warm.body, vendor);
      expect(expected.status).toBe('ok');
      await sleep(1100);
      await suite.admin.fault(vendor, { kind: 'status', httpStatus: 500 });
      const { status, body } = await getJson(`${gateway.url}/images?limit=1`);
      expect(status).toBe(200);
      expect(sourceOf(body, vendor)).toMatchObject({ status: 'stale', cache: 'stale', error: { provider: vendor } });
      expect(sourceOf(body, vendor).ageSeconds).toBeGreaterThanOrEqual(1);
      expect(body.complete).toBe(false);
    } finally {
      await gateway.close();
    }
  });

  it('answers a single throttle with a retry the caller never sees', async () => {
    const gateway = await startGateway(suite.sim, { redis: false, env: { PROVIDER_TIMEOUT_MS: '3000' } });
    try {
      await suite.admin.resetStats();
      await suite.admin.fault(vendor, { kind: 'throttle', count: 1 });
      const { status, body } = await getJson(`${gateway.url}/images?provider=${vendor}&limit=1`);
      expect(status).toBe(200);
      expect(sourceOf(body, vendor)).toMatchObject({ status: 'ok', cache: 'miss' });
      expect(sourceOf(body, vendor)).toMatchObject({ count: (await suite.admin.catalogIds(vendor)).length });
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`gateway_upstream_retries_total\\{provider="${vendor}",[^}]*code="RATE_LIMITED"\\} 1`));
    } finally {
      await gateway.close();
    }
  });

  it('opens its circuit under a hang, answers in milliseconds while open, and closes once the vendor recovers', async () => {
    // Budgets wide enough that the healthy vendors' refreshes fit on a loaded machine: only the hung one fails.
    const gateway = await startGateway(suite.sim, { redis: false, env: { PROVIDER_TIMEOUT_MS: '1000', CIRCUIT_FAILURE_THRESHOLD: '2', CIRCUIT_HALF_OPEN_AFTER_MS: '2500' } });
    try {
      await suite.admin.fault(vendor, { kind: 'hang' });
      for (let i = 0; i < 2; i++) await getJson(`${gateway.url}/images?refresh=true&limit=1`);
      const providers = await getJson(`${gateway.url}/providers`);
      expect(providers.body.providers.find((p: { id: string }) => p.id === vendor).circuit).toBe('open');
      const health = await getJson(`${gateway.url}/health`);
      expect(health.body.details[`provider:${vendor}`].circuit).toBe('open');

      const { status, body } = await getJson(`${gateway.url}/images?refresh=true&limit=1`);
      expect(status).toBe(200);
      expect(sourceOf(body, vendor).error?.code).toBe('UPSTREAM_UNAVAILABLE');
      // The open circuit's own slice time: the other vendors' refresh, slow on a loaded machine, is not part of it.
      expect(sourceOf(body, vendor).latencyMs).toBeLessThan(150);

      await suite.admin.clearFaults();
      await sleep(2600);
      const recovered = await getJson(`${gateway.url}/images?provider=${vendor}&refresh=true&limit=1`);
      expect(recovered.status).toBe(200);
      expect(sourceOf(recovered.body, vendor).status).toBe('ok');
      expect((await getJson(`${gateway.url}/providers`)).body.providers.find((p: { id: string }) => p.id === vendor).circuit).toBe('closed');
    } finally {
      await gateway.close();
    }
  });
});

describe('GET /images/{id} when the exact lookup fails', () => {
  const suite = useSimAndGateway({}, (sim) => startGateway(sim, { redis: false, env: { PROVIDER_TIMEOUT_MS: '500' } }));
  afterEach(() => suite.admin.clearFaults());

  it('answers from the cached catalog when the vendor cannot, and with the vendor problem when the catalog lacks it', async () => {
    const { body } = await getJson(`${suite.gateway.url}/images?provider=cecstack&limit=1`);
    const image = body.items[0] as { id: string; providerImageId: string };
    await suite.admin.fault('cecstack', { kind: 'hang', pathContains: `/images/${image.providerImageId}` });
    const started = performance.now();
    const fallback = await getJson(`${suite.gateway.url}/images/${encodeURIComponent(image.id)}`);
    expect(fallback.status).toBe(200);
    expect(fallback.body.id).toBe(image.id);
    expect(performance.now() - started).toBeLessThan(1500);

    await suite.admin.fault('cecstack', { kind: 'status', httpStatus: 503, pathContains: '/images/img-notincatalog' });
    const missing = await getJson(`${suite.gateway.url}/images/cecstack:img-notincatalog`);
    expect([missing.status, missing.body.code]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
  });
});
