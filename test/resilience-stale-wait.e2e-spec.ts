import { getJson, startGateway } from './support/stack';
import { eventually, sleep, useSim } from './support/suite-setup';

// STALE_WAIT_MS (API.md section 2): a stale catalog answers after a short wait for its refresh, which goes on and lands.
type Source = { provider: string; status: string; cache: string; latencyMs: number; error?: { code: string; detail: string } };
const cecstackOf = (body: { sources: Source[] }) => body.sources.find((s) => s.provider === 'cecstack')!;

describe('a slow vendor past its TTL', () => {
  const suite = useSim();
  afterEach(() => suite.admin.clearFaults());

  it('answers from the stale catalog after STALE_WAIT_MS, and the refresh it waited for lands for the next request', async () => {
    const gateway = await startGateway(suite.sim, { redis: false, env: { CACHE_TTL_SECONDS: '3', CACHE_STALE_SECONDS: '60', PROVIDER_TIMEOUT_MS: '20000', STALE_WAIT_MS: '300' } });
    try {
      expect(cecstackOf((await getJson(`${gateway.url}/images?limit=1`)).body).status).toBe('ok');
      await sleep(3100);
      // Every page of the refresh takes 1.5 s: far past the wait, well inside the budget.
      await suite.admin.fault('cecstack', { kind: 'latency', latencyMs: 1500 });
      const waited = cecstackOf((await getJson(`${gateway.url}/images?limit=1`)).body);
      expect(waited).toMatchObject({ status: 'stale', cache: 'stale', error: { code: 'UPSTREAM_TIMEOUT', detail: 'cecstack did not answer within 300 ms' } });
      // Generous for a loaded machine, and still far under the 20 s budget the request would otherwise wait.
      expect(waited.latencyMs).toBeLessThan(3000);

      await suite.admin.clearFaults();
      await eventually(async () => cecstackOf((await getJson(`${gateway.url}/images?limit=1`)).body), (source) => source.status === 'ok');
      // The refresh started by the stale read landed in the cache: fresh for 3 s, answered without a fetch.
      expect(cecstackOf((await getJson(`${gateway.url}/images?limit=1`)).body)).toMatchObject({ status: 'ok', cache: 'hit' });
    } finally {
      await gateway.close();
    }
  });
});
