import { GatewayError, Image } from '@images/core';
import { WireRequest } from '@images/http';
import { FakeAnswer, FakeRequest, FakeUpstream, recordingDeps, rejectedGatewayError, startFakeUpstream } from '@images/testing';
import { CecstackAuth, CecstackConfig, CecstackProvider, cecstackConfigFromEnv, cecstackRegistration } from './index';
import publicExample from './fixtures/public-images.json';
import sharedExample from './fixtures/shared-images.json';

const TOKEN = 'cecstack-token-value-for-tests';
const REGION = 'region0';

const envelope = (list: unknown[], total: number) => ({ requestId: 'req', code: 'Success', message: '调用成功', data: { size: list.length, current: 1, total, list } });

const publicItem = (i: number) => ({ ...publicExample.data.list[0], id: i, imageId: `img-pub-${i}`, name: `public ${i}` });
const privateItem = (imageId: string) => ({ imageId, name: `own ${imageId}`, status: 'active', visibility: 'private', createdAt: '2023-05-24T05:46:14+08:00' });
const sharedItem = (imageId: string) => ({ ...sharedExample.data.list[0], shareId: `share-${imageId}`, imageId, image: { ...sharedExample.data.list[0].image, imageId, name: `shared ${imageId}` } });

const PATHS = { public: '/api/image/v1/images', private: '/api/image/v1/private-images', shared: '/api/image/v1/shared-images' };

/** Serves each list by `current` (1-based) and `size`. */
function lists(catalogs: { public: unknown[]; private: unknown[]; shared: unknown[] }, prefix = '') {
  return (request: FakeRequest): FakeAnswer => {
    const name = (Object.keys(PATHS) as Array<keyof typeof PATHS>).find((key) => `${prefix}${PATHS[key]}` === request.path);
    if (!name) return { status: 404, body: 'no route' };
    const current = Number(request.query.get('current'));
    const size = Number(request.query.get('size'));
    return { body: envelope(catalogs[name].slice((current - 1) * size, current * size), catalogs[name].length) };
  };
}

function configFor(url: string): CecstackConfig {
  return cecstackConfigFromEnv({ CECSTACK_ENDPOINT: url, CECSTACK_TOKEN: TOKEN, CECSTACK_REGION_ID: REGION }) as CecstackConfig;
}

const ctx = (ms = 5000) => ({ signal: AbortSignal.timeout(ms) });
const empty = { public: [], private: [], shared: [] };

describe('CECSTACK IMS lists against a real HTTP server', () => {
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  const provider = (url: string, deps = recordingDeps(4)) => cecstackRegistration.create(configFor(url), deps);

  it('pages each list with current (1-based) and size 100, the shared list ordered, headers on every call', async () => {
    const publicItems = Array.from({ length: 250 }, (_, i) => publicItem(i));
    upstream = await startFakeUpstream(lists({ public: publicItems, private: [privateItem('img-own-1')], shared: [sharedItem('img-sh-1')] }));
    const images = await provider(upstream.url).listCatalog(ctx());

    expect(images).toHaveLength(252);
    const publicRequests = upstream.requests.filter((r) => r.path === PATHS.public);
    expect(publicRequests[0].query.get('current')).toBe('1');
    expect(publicRequests.map((r) => r.query.get('current')).sort()).toEqual(['1', '2', '3']);
    expect(upstream.requests.every((r) => r.query.get('size') === '100')).toBe(true);
    const shared = upstream.requests.filter((r) => r.path === PATHS.shared);
    expect(shared).toHaveLength(1);
    expect(shared[0].query.get('orderBy')).toBe('createdAt:desc');
    expect(upstream.requests.filter((r) => r.path === PATHS.private)).toHaveLength(1);
    for (const request of upstream.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request.headers['x-regionid']).toBe(REGION);
    }
  });

  it('merges the three lists and keeps one image per imageId: own record, then share, then public', async () => {
    upstream = await startFakeUpstream(
      lists({
        public: [publicItem(1), { ...publicItem(2), imageId: 'img-both' }, { ...publicItem(3), imageId: 'img-all' }, { name: 'no imageId' }],
        private: [privateItem('img-all'), privateItem('img-own')],
        shared: [sharedItem('img-both'), sharedItem('img-all')],
      }),
    );
    const deps = recordingDeps();
    const images = await provider(upstream.url, deps).listCatalog(ctx());
    const byId = new Map(images.map((image) => [image.id, image]));

    expect([...byId.keys()].sort()).toEqual(['cecstack:img-all', 'cecstack:img-both', 'cecstack:img-own', 'cecstack:img-pub-1']);
    expect(images).toHaveLength(4);
    expect(byId.get('cecstack:img-all')).toMatchObject<Partial<Image>>({ name: 'own img-all', visibility: 'private', createdAt: '2023-05-23T21:46:14.000Z' });
    expect(byId.get('cecstack:img-both')).toMatchObject<Partial<Image>>({ name: 'shared img-both', visibility: 'shared', regions: [REGION] });
    expect(byId.get('cecstack:img-both')?.extra.shareId).toBe('share-img-both');
    expect(byId.get('cecstack:img-pub-1')).toMatchObject<Partial<Image>>({ visibility: 'public', regions: ['ecs49'] });
    expect(deps.logLines.some((line) => line.includes('"skipped":1'))).toBe(true);
  });

  it('keeps at most maxConcurrentRequests requests in flight across the three lists, and follows a capped page size', async () => {
    let inFlight = 0;
    let peak = 0;
    const serve = lists({ public: Array.from({ length: 40 }, (_, i) => publicItem(i)), private: [], shared: [] });
    upstream = await startFakeUpstream(async (request) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      // The vendor silently caps pages at 5 items: 8 public pages.
      return serve({ ...request, query: new URLSearchParams({ current: request.query.get('current') ?? '', size: '5' }) });
    });
    const images = await provider(upstream.url, recordingDeps(2)).listCatalog(ctx());
    expect(images).toHaveLength(40);
    expect(upstream.requests).toHaveLength(10);
    const currents = upstream.requests.filter((r) => r.path === PATHS.public).map((r) => Number(r.query.get('current')));
    expect(currents.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(peak).toBe(2);
  });

  it('hands a custom auth strategy the request as it goes on the wire', async () => {
    upstream = await startFakeUpstream(lists(empty, '/cec'));
    const seen: WireRequest[] = [];
    const auth: CecstackAuth = { headers: (request) => { seen.push(request); return { 'X-Signature': `sig:${request.path}` }; } };
    await new CecstackProvider(configFor(`${upstream.url}/cec`), recordingDeps(), { auth }).listCatalog(ctx());

    expect(seen.map((r) => r.path).sort()).toEqual([`/cec${PATHS.public}`, `/cec${PATHS.private}`, `/cec${PATHS.shared}`].sort());
    expect(seen.every((r) => r.host === new URL(upstream!.url).host && r.method === 'GET' && r.headers['x-regionid'] === REGION)).toBe(true);
    for (const request of upstream.requests) {
      expect(request.headers['x-signature']).toBe(`sig:${request.path}`);
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers['x-regionid']).toBe(REGION);
    }
  });

  it.each<[number, string, string]>([
    [400, 'IMG.DBGet.NoData', 'NOT_FOUND'],
    [400, 'IMG.OperationDenied.AuthFail', 'UPSTREAM_AUTH_FAILED'],
    [400, 'IMG.OperationDenied.Identity', 'FORBIDDEN'],
    [400, 'IMG.InvalidParameter', 'VALIDATION_FAILED'],
    [400, 'IMG.Internal.Error', 'UPSTREAM_ERROR'],
    [400, 'IMG.Never.Seen', 'UPSTREAM_ERROR'],
  ])('a vendor error (HTTP %i %s) on one list fails the slice with %s', async (status, code, expected) => {
    upstream = await startFakeUpstream((request) =>
      request.path === PATHS.private ? { status, body: { requestId: 'req-err', code, message: '资源不存在', data: null } } : lists(empty)(request),
    );
    const deps = recordingDeps();
    const error = await rejectedGatewayError(provider(upstream.url, deps).listCatalog(ctx()));
    expect(error.code).toBe(expected);
    expect(error.upstream).toEqual({ status, code, message: '资源不存在', requestId: 'req-err' });
    expect(error.detail).toBe(`cecstack answered ${code}: 资源不存在`);
    expect(deps.events).toContainEqual(expect.objectContaining({ provider: 'cecstack', operation: 'private-images/list', httpStatus: status, problemCode: expected, vendorCode: code, unknownVendorCode: code === 'IMG.Never.Seen' }));
  });

  it('a bare 429 with Retry-After -> RATE_LIMITED', async () => {
    upstream = await startFakeUpstream(() => ({ status: 429, body: 'slow down', headers: { 'retry-after': '4' } }));
    const error = await rejectedGatewayError(provider(upstream.url).listCatalog(ctx()));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterSeconds).toBe(4);
  });

  it('a hang is aborted by the slice signal -> UPSTREAM_TIMEOUT', async () => {
    upstream = await startFakeUpstream((request) => (request.path === PATHS.shared ? { hang: true } : lists(empty)(request)));
    const started = Date.now();
    expect((await rejectedGatewayError(provider(upstream.url).listCatalog(ctx(150)))).code).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    ['a body that is not JSON', { body: 'garbage' }],
    ['an envelope without data.list', { body: { requestId: 'r', code: 'Success', message: 'ok', data: { total: 1 } } }],
    ['list entries that are not objects', { body: envelope(['img-1'], 1) }],
  ])('%s -> UPSTREAM_BAD_RESPONSE', async (_label, answer) => {
    upstream = await startFakeUpstream(() => answer);
    expect((await rejectedGatewayError(provider(upstream.url).listCatalog(ctx()))).code).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('a connection reset -> UPSTREAM_UNAVAILABLE', async () => {
    upstream = await startFakeUpstream(() => ({ reset: true }));
    expect((await rejectedGatewayError(provider(upstream.url).listCatalog(ctx()))).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('never lets the token reach a log line or an error, even when the vendor echoes it', async () => {
    const echo = (request: FakeRequest): FakeAnswer => ({ status: 400, body: { requestId: 'r', code: 'IMG.OperationDenied.AuthFail', message: `bad ${request.headers.authorization}` } });
    const deps = recordingDeps();
    const failures: GatewayError[] = [];
    for (const answer of [echo, () => ({ hang: true }), () => ({ body: 'garbage' }), () => ({ reset: true })] as Array<(r: FakeRequest) => FakeAnswer>) {
      upstream = await startFakeUpstream(answer);
      failures.push(await rejectedGatewayError(provider(upstream.url, deps).listCatalog(ctx(150))));
      await upstream.close();
      upstream = undefined;
    }
    const surfaces = [...deps.logLines, ...failures.map((e) => e.message), ...failures.map((e) => JSON.stringify(e.toProblem())), JSON.stringify(deps.events)];
    expect(deps.logLines.length).toBeGreaterThanOrEqual(4);
    expect(surfaces.join('\n')).toContain('[REDACTED]');
    for (const surface of surfaces) expect(surface).not.toContain(TOKEN);
  });

  it('identifies itself and scopes the cache by endpoint, token and region', () => {
    const a = provider('https://a.example.com');
    expect(a).toMatchObject({ id: 'cecstack', displayName: 'CECSTACK IMS' });
    expect(a.accountScope).toBe(provider('https://a.example.com').accountScope);
    expect(a.accountScope).not.toBe(provider('https://b.example.com').accountScope);
    expect(cecstackRegistration.create({ ...configFor('https://a.example.com'), regionId: 'other' }, recordingDeps()).accountScope).not.toBe(a.accountScope);
    expect(a.accountScope).not.toContain(TOKEN);
  });
});
