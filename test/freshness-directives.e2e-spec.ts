import { Gateway, getJson, startGateway } from './support/stack';
import { sleep, useSim } from './support/suite-setup';

// RFC 9111 request directives and RFC 7240 `Prefer: handling=strict` on GET /images (API.md section 3), end to end
// over the simulators: which vendor calls each one makes, and what each source says.
type Source = { provider: string; status: string; cache: string; error?: { code: string } };
const cecstackOf = (body: { sources: Source[] }) => body.sources.find((source) => source.provider === 'cecstack')!;

describe('freshness chosen by the caller', () => {
  const suite = useSim();
  let gateway: Gateway;
  const list = (headers: Record<string, string>, query = 'limit=1') => getJson(`${gateway.url}/images?${query}`, headers);
  const cecstackCalls = async () => (await suite.admin.stats()).cecstack.requests;

  beforeEach(async () => {
    await suite.admin.resetStats();
    gateway = await startGateway(suite.sim, { env: { CACHE_TTL_SECONDS: '2', CACHE_STALE_SECONDS: '600', STALE_WAIT_MS: '300', PROVIDER_TIMEOUT_MS: '8000' } });
  });
  afterEach(async () => {
    await suite.admin.clearFaults();
    await gateway.close();
  });

  it('max-age: a catalog older than N seconds is fetched again for this request; a larger N is a hit', async () => {
    await list({});
    const before = await cecstackCalls();
    const hit = await list({ 'cache-control': 'max-age=60' });
    expect([cecstackOf(hit.body).cache, await cecstackCalls()]).toEqual(['hit', before]);

    await sleep(1100);
    const refreshed = await list({ 'cache-control': 'max-age=1' });
    expect(cecstackOf(refreshed.body)).toMatchObject({ status: 'ok', cache: 'bypass' });
    expect(refreshed.headers.get('cache-status')).toBe('images-gateway; fwd=request');
    expect(await cecstackCalls()).toBeGreaterThan(before);
  });

  it('only-if-cached: never asks a vendor; nothing cached is a 504 for one provider, every source an error slice for many', async () => {
    const one = await list({ 'cache-control': 'only-if-cached' }, 'provider=cecstack');
    expect(one.status).toBe(504);
    expect(one.body).toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryable: false, provider: 'cecstack' });
    const all = await list({ 'cache-control': 'only-if-cached' });
    expect(all.status).toBe(502);
    expect(all.body.sources.map((source: Source) => [source.status, source.error?.code])).toEqual(all.body.sources.map(() => ['error', 'UPSTREAM_TIMEOUT']));
    expect((await suite.admin.stats()).cecstack?.requests ?? 0).toBe(0);

    await list({});
    await suite.admin.fault('cecstack', { kind: 'error', code: 'AuthFail' });
    const before = await cecstackCalls();
    await sleep(2100);
    const stale = await list({ 'cache-control': 'only-if-cached' });
    expect(stale.status).toBe(200);
    expect(cecstackOf(stale.body)).toMatchObject({ status: 'stale', cache: 'stale' });
    expect(await cecstackCalls()).toBe(before);
  });

  it('max-stale: a stale catalog inside N is served at once without error; max-stale=0 serves none, even when the vendor fails', async () => {
    await list({});
    await sleep(2100);
    await suite.admin.fault('cecstack', { kind: 'error', code: 'AuthFail' });
    const accepted = await list({ 'cache-control': 'max-stale=60' });
    expect(cecstackOf(accepted.body)).toMatchObject({ status: 'stale', cache: 'stale' });
    expect(cecstackOf(accepted.body).error).toBeUndefined();

    const refused = await list({ 'cache-control': 'max-stale=0' });
    expect(cecstackOf(refused.body)).toMatchObject({ status: 'error', error: { code: 'UPSTREAM_AUTH_FAILED' } });
    // The server's own window would have served it, marked with why.
    expect(cecstackOf((await list({})).body)).toMatchObject({ status: 'stale', error: { code: 'UPSTREAM_AUTH_FAILED' } });
  });

  it('Prefer: handling=strict turns a partial answer into a 502 with every source, and says it applied', async () => {
    const whole = await list({ prefer: 'handling=strict' });
    expect([whole.status, whole.body.complete, whole.headers.get('preference-applied')]).toEqual([200, true, 'handling=strict']);

    await suite.admin.fault('cecstack', { kind: 'error', code: 'AuthFail' });
    const partial = await list({ prefer: 'handling=strict', 'cache-control': 'no-cache' });
    expect(partial.status).toBe(502);
    expect(partial.headers.get('preference-applied')).toBe('handling=strict');
    expect(partial.body).toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(partial.body.detail).toContain('cecstack stale (UPSTREAM_AUTH_FAILED)');
    expect(partial.body.sources.length).toBeGreaterThan(1);
    expect(cecstackOf(partial.body).status).toBe('stale');

    const lenient = await list({ 'cache-control': 'no-cache' });
    expect([lenient.status, lenient.body.complete, lenient.headers.get('preference-applied')]).toEqual([200, false, null]);
  });

  it('applies to one image too: only-if-cached answers from the cached catalog, never with the exact lookup', async () => {
    const [vendorId] = await suite.admin.catalogIds('cecstack');
    const one = (headers: Record<string, string>) => getJson(`${gateway.url}/images/cecstack:${vendorId}`, headers);
    expect((await one({ 'cache-control': 'only-if-cached' })).status).toBe(504);
    expect((await suite.admin.stats()).cecstack?.requests ?? 0).toBe(0);

    await list({}, 'provider=cecstack&limit=1');
    const before = await cecstackCalls();
    const cached = await one({ 'cache-control': 'only-if-cached' });
    expect([cached.status, cached.body.id, cached.headers.get('cache-status')]).toEqual([200, `cecstack:${vendorId}`, expect.stringContaining('hit')]);
    expect(await cecstackCalls()).toBe(before);
  });

  it('refuses a malformed directive with a 400 naming Cache-Control, before any vendor call', async () => {
    const answer = await list({ 'cache-control': 'max-age=soon' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'Cache-Control' })]);
    expect((await suite.admin.stats()).cecstack?.requests ?? 0).toBe(0);
  });
});
