import { GatewayError, Image, ImageProvider } from '@images/core';
import { FakeAnswer, FakeRequest, FakeUpstream, recordingDeps, rejectedGatewayError, startFakeUpstream } from '@images/testing';
import { huaweiRegistration } from './index';
import { AK, PROJECT, SK, TOKEN, catalog, configFor, ctx, pagedCatalog, recomputeSignature } from './client-spec-support';

describe('Huawei ListImages against a real HTTP server', () => {
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  function provider(url: string, credentials: Record<string, string> = { HUAWEI_TOKEN: TOKEN }, deps = recordingDeps(4)): ImageProvider {
    return huaweiRegistration.create(configFor(url, credentials), deps);
  }

  it('fetches every page with offsets and limit 100, page one first, with project and token headers', async () => {
    upstream = await startFakeUpstream(pagedCatalog());
    const images = await provider(upstream.url).listCatalog(ctx());

    expect(images.map((image) => image.providerImageId)).toEqual(catalog.map((item) => item.id));
    expect(images[1]).toMatchObject<Partial<Image>>({ id: 'huawei:img-001', visibility: 'private', regions: ['cn-north-4'] });
    const requests = upstream.requests;
    expect(requests.map((r) => r.path)).toEqual(Array(3).fill(`/v2/${PROJECT}/images`));
    expect(requests[0].query.get('offset')).toBe('0');
    expect(requests.map((r) => Number(r.query.get('offset'))).sort((a, b) => a - b)).toEqual([0, 100, 200]);
    expect(requests.every((r) => r.query.get('limit') === '100')).toBe(true);
    expect(requests.every((r) => r.headers['x-project-id'] === PROJECT && r.headers['x-auth-token'] === TOKEN)).toBe(true);
    expect(requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('follows a page size the vendor caps, and never asks for limit=0', async () => {
    upstream = await startFakeUpstream(pagedCatalog(30));
    const images = await provider(upstream.url).listCatalog(ctx());
    expect(images).toHaveLength(250);
    const offsets = upstream.requests.map((r) => Number(r.query.get('offset'))).sort((a, b) => a - b);
    expect(offsets).toEqual(Array.from({ length: 9 }, (_, i) => i * 30));
    expect(upstream.requests.every((r) => Number(r.query.get('limit')) > 0)).toBe(true);
  });

  it('keeps at most maxConcurrentRequests requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    upstream = await startFakeUpstream(async (request) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return pagedCatalog(10)(request);
    });
    await provider(upstream.url, { HUAWEI_TOKEN: TOKEN }, recordingDeps(3)).listCatalog(ctx());
    expect(upstream.requests).toHaveLength(25);
    expect(peak).toBe(3);
  });

  it('signs AK/SK requests so that the signature recomputed from what arrived matches (path prefix included)', async () => {
    upstream = await startFakeUpstream(pagedCatalog());
    const before = Date.now();
    await provider(`${upstream.url}/gw/huawei`, { HUAWEI_AK: AK, HUAWEI_SK: SK }).listCatalog(ctx());

    expect(upstream.requests).toHaveLength(3);
    for (const request of upstream.requests) {
      expect(request.path).toBe(`/gw/huawei/v2/${PROJECT}/images`);
      const { access, names, signature, expected } = recomputeSignature(request, SK);
      expect(access).toBe(AK);
      expect(names).toEqual(['host', 'x-project-id', 'x-sdk-date']);
      expect(signature).toBe(expected);
      expect(request.headers['x-auth-token']).toBeUndefined();
      const date = String(request.headers['x-sdk-date']);
      expect(date).toMatch(/^\d{8}T\d{6}Z$/);
      const sent = Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
      expect(Math.abs(sent - before)).toBeLessThan(60_000);
    }
  });

  // Every row has four entries: a shorter row would make jest pass `done` as the last argument.
  it.each<[number, Record<string, unknown>, string, Record<string, string>]>([
    [401, { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information', request_id: 'r-401' }, 'UPSTREAM_AUTH_FAILED', {}],
    [403, { error_code: 'WKS.00010099', error_msg: 'service not enabled' }, 'FORBIDDEN', {}],
    [404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist', request_id: 'r-404' }, 'UPSTREAM_ERROR', {}],
    [429, { error_code: 'APIGW.0308', error_msg: 'throttled', request_id: 'r-429' }, 'RATE_LIMITED', { 'retry-after': '2' }],
    [500, { error_code: 'WKS.0202', error_msg: 'not found' }, 'NOT_FOUND', {}],
    [503, { error_code: 'WKS.0503', error_msg: 'unavailable' }, 'UPSTREAM_UNAVAILABLE', {}],
  ])('HTTP %i %j is translated to %s', async (status, body, code, headers) => {
    upstream = await startFakeUpstream(() => ({ status, body, headers: { 'x-request-id': 'hdr-req', ...headers } }));
    const deps = recordingDeps();
    const error = await rejectedGatewayError(provider(upstream.url, { HUAWEI_TOKEN: TOKEN }, deps).listCatalog(ctx()));
    expect(error.code).toBe(code);
    expect(error.provider).toBe('huawei');
    expect(error.upstream).toEqual({ status, code: body.error_code, message: body.error_msg, requestId: 'hdr-req' });
    if (headers['retry-after']) expect(error.retryAfterSeconds).toBe(2);
    // The wrapper may retry a throttled or unavailable read; every attempt is seen with the same translation.
    expect(deps.events.length).toBeGreaterThanOrEqual(1);
    for (const event of deps.events) {
      expect(event).toMatchObject({ provider: 'huawei', operation: 'ListImages', httpStatus: status, problemCode: code, vendorCode: body.error_code });
    }
  });

  it('keeps one image per id when pages overlap, and skips items without an id', async () => {
    upstream = await startFakeUpstream((request) =>
      request.query.get('offset') === '0'
        ? { body: { total_count: 4, images: [catalog[0], catalog[1]] } }
        : { body: { total_count: 4, images: [catalog[1], { name: 'no id' }] } },
    );
    const deps = recordingDeps();
    const images = await provider(upstream.url, { HUAWEI_TOKEN: TOKEN }, deps).listCatalog(ctx());
    expect(images.map((image) => image.providerImageId)).toEqual([catalog[0].id, catalog[1].id]);
    expect(deps.logLines.some((line) => line.includes('"skipped":1'))).toBe(true);
  });

  it('fails the whole catalog when a later page fails', async () => {
    upstream = await startFakeUpstream((request) =>
      request.query.get('offset') === '200' ? { status: 500, body: { error_code: 'WKS.0500', error_msg: 'boom' } } : pagedCatalog()(request),
    );
    expect((await rejectedGatewayError(provider(upstream.url).listCatalog(ctx()))).code).toBe('UPSTREAM_ERROR');
  });

  it('a hang is aborted by the slice signal -> UPSTREAM_TIMEOUT', async () => {
    upstream = await startFakeUpstream(() => ({ hang: true }));
    const started = Date.now();
    const error = await rejectedGatewayError(provider(upstream.url).listCatalog(ctx(150)));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    ['a body that is not JSON', { body: '<html>maintenance</html>' }],
    ['JSON of the wrong shape', { body: { total_count: 3, imagez: [] } }],
    ['images that are not objects', { body: { total_count: 1, images: ['img-1'] } }],
  ])('%s -> UPSTREAM_BAD_RESPONSE', async (_label, answer) => {
    upstream = await startFakeUpstream(() => answer);
    expect((await rejectedGatewayError(provider(upstream.url).listCatalog(ctx()))).code).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('a connection reset -> UPSTREAM_UNAVAILABLE', async () => {
    upstream = await startFakeUpstream(() => ({ reset: true }));
    expect((await rejectedGatewayError(provider(upstream.url).listCatalog(ctx()))).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('a refused connection -> UPSTREAM_UNAVAILABLE', async () => {
    const closed = await startFakeUpstream(() => ({}));
    await closed.close();
    expect((await rejectedGatewayError(provider(closed.url).listCatalog(ctx()))).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('never lets a credential reach a log line or an error, even when the vendor echoes it', async () => {
    const echo = (request: FakeRequest): FakeAnswer => ({
      status: 401,
      body: { error_code: 'APIGW.0301', error_msg: `bad credentials: ${request.headers['x-auth-token'] ?? request.headers.authorization}`, request_id: 'r' },
    });
    const hang = (): FakeAnswer => ({ hang: true });
    const answers: Array<(request: FakeRequest) => FakeAnswer> = [echo, hang, () => ({ body: 'garbage' }), () => ({ reset: true }), pagedCatalog()];
    const deps = recordingDeps();
    const failures: unknown[] = [];
    const credentialSets: Array<Record<string, string>> = [{ HUAWEI_AK: AK, HUAWEI_SK: SK, HUAWEI_TOKEN: TOKEN }, { HUAWEI_TOKEN: TOKEN }];
    for (const credentials of credentialSets) {
      for (const answer of answers) {
        upstream = await startFakeUpstream(answer);
        try {
          // Only the hang needs a short budget; the others must not time out on a busy machine.
          await provider(upstream.url, credentials, deps).listCatalog(ctx(answer === hang ? 150 : 5000));
        } catch (error) {
          failures.push(error);
        }
        await upstream.close();
        upstream = undefined;
      }
    }
    expect(failures).toHaveLength(8);
    expect(deps.logLines.length).toBeGreaterThanOrEqual(8);
    const surfaces = [
      ...deps.logLines,
      ...failures.map((error) => (error as GatewayError).message),
      ...failures.map((error) => JSON.stringify((error as GatewayError).toProblem())),
      JSON.stringify(deps.events),
    ];
    // The echo really carried the credentials: redaction, not luck, keeps them out.
    expect(surfaces.join('\n')).toContain('[REDACTED]');
    for (const secret of [AK, SK, TOKEN]) {
      for (const surface of surfaces) expect(surface).not.toContain(secret);
    }
  });

  it('scopes the cache by endpoint, credential and project', async () => {
    const scope = (url: string, credentials: Record<string, string>) => provider(url, credentials).accountScope;
    expect(scope('http://a', { HUAWEI_TOKEN: TOKEN })).toBe(scope('http://a', { HUAWEI_TOKEN: TOKEN }));
    expect(scope('http://a', { HUAWEI_TOKEN: TOKEN })).not.toBe(scope('http://b', { HUAWEI_TOKEN: TOKEN }));
    expect(scope('http://a', { HUAWEI_AK: AK, HUAWEI_SK: SK })).not.toBe(scope('http://a', { HUAWEI_AK: 'OTHER', HUAWEI_SK: SK }));
    expect(scope('http://a', { HUAWEI_TOKEN: TOKEN })).not.toContain(TOKEN);
    const other = huaweiRegistration.create({ ...configFor('http://a', { HUAWEI_TOKEN: TOKEN }), projectId: 'other' }, recordingDeps());
    expect(other.accountScope).not.toBe(scope('http://a', { HUAWEI_TOKEN: TOKEN }));
    expect(other).toMatchObject({ id: 'huawei', capabilities: ['list', 'get'] });
  });
});
