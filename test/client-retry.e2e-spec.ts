import { FetchFunction, createImagesClient } from '@images/client';
import { CALLERS, callersEnv } from './support/callers';
import { getJson, startGateway } from './support/stack';
import { useSimAndGateway } from './support/suite-setup';

// The client's retries against the gateway's own 429 and 503 answers (libs/client/src/retry.spec.ts scripts the
// exact timings on a loopback server of its own).

/** The global fetch, recording each answer's status and Retry-After: what the retry loop saw. */
function recordingFetch(): { fetch: FetchFunction; seen: Array<[number, string | null]> } {
  const seen: Array<[number, string | null]> = [];
  return {
    seen,
    fetch: async (request) => {
      const response = await fetch(request);
      seen.push([response.status, response.headers.get('retry-after')]);
      return response;
    },
  };
}

describe('client retries: a caller over its rate limit', () => {
  const suite = useSimAndGateway({}, (sim) => startGateway(sim, { env: callersEnv({ RATE_LIMIT_PER_MINUTE: '2' }) }));

  it('gets the 429 typed, with its Retry-After, at once when the wait is longer than it allows', async () => {
    const recording = recordingFetch();
    const client = createImagesClient({ baseUrl: suite.gateway.url, apiKey: CALLERS.reader.key, fetch: recording.fetch, retry: { maxDelayMs: 3000 } });
    for (let i = 0; i < 2; i++) expect((await client.GET('/images', { params: { query: { limit: 1 } } })).response.status).toBe(200);

    const started = Date.now();
    const limited = await client.GET('/images', { params: { query: { limit: 1 } } });
    expect(Date.now() - started).toBeLessThan(2000);
    expect([limited.response.status, limited.error?.code]).toEqual([429, 'RATE_LIMITED']);
    const retryAfter = Number(limited.response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(recording.seen.map(([status]) => status)).toEqual([200, 200, 429]);
  });
});

describe('client retries: a provider whose circuit is open', () => {
  const suite = useSimAndGateway({}, (sim) =>
    startGateway(sim, { redis: false, env: { ...callersEnv(), PROVIDER_TIMEOUT_MS: '1000', CIRCUIT_FAILURE_THRESHOLD: '1', CIRCUIT_HALF_OPEN_AFTER_MS: '2000' } }),
  );

  it('waits the 503’s Retry-After, then gets the list once the circuit lets a call through', async () => {
    await suite.admin.fault('huawei', { kind: 'status', httpStatus: 503 });
    const failed = await getJson(`${suite.gateway.url}/images?provider=huawei&refresh=true&limit=1`, { authorization: `Bearer ${CALLERS.reader.key}` });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await suite.admin.clearFaults();

    const recording = recordingFetch();
    const client = createImagesClient({ baseUrl: suite.gateway.url, apiKey: CALLERS.reader.key, fetch: recording.fetch });
    const started = Date.now();
    const { data, response } = await client.GET('/images', { params: { query: { provider: 'huawei', limit: 1 } } });
    expect(response.status).toBe(200);
    expect(data?.sources.map((source) => [source.provider, source.status])).toEqual([['huawei', 'ok']]);
    expect(recording.seen).toEqual([[503, '2'], [200, null]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });
});
