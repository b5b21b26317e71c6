import { FakeUpstream, recordingDeps, rejectedGatewayError, startFakeUpstream } from '@images/testing';
import { huaweiRegistration } from './index';
import { AK, SK, TOKEN, catalog, configFor, ctx } from './client-spec-support';

describe('Huawei provider: catalog, lookups and cache scope', () => {
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  const create = (url: string, credentials: Record<string, string> = { HUAWEI_TOKEN: TOKEN }, deps = recordingDeps()) =>
    huaweiRegistration.create(configFor(url, credentials), deps);

  it('logs nothing about skipped items for a catalog whose items all have ids', async () => {
    upstream = await startFakeUpstream(() => ({ body: { total_count: 2, images: catalog.slice(0, 2) } }));
    const deps = recordingDeps();
    expect(await create(upstream.url, { HUAWEI_TOKEN: TOKEN }, deps).listCatalog(ctx())).toHaveLength(2);
    expect(deps.logLines.filter((line) => line.includes('skipped'))).toEqual([]);
  });

  it('counts every skipped item in one warning', async () => {
    upstream = await startFakeUpstream(() => ({ body: { total_count: 3, images: [{ name: 'a' }, catalog[0], { id: '' }] } }));
    const deps = recordingDeps();
    expect(await create(upstream.url, { HUAWEI_TOKEN: TOKEN }, deps).listCatalog(ctx())).toHaveLength(1);
    const warnings = deps.logLines.map((line) => JSON.parse(line)).filter((line) => line.level === 'warn');
    expect(warnings).toEqual([expect.objectContaining({ provider: 'huawei', skipped: 2, msg: 'images without an id were skipped' })]);
  });

  it.each([
    ['a body that is not JSON', { body: '<html>maintenance</html>' }],
    ['no images array', { body: { total_count: 1, imagez: [] } }],
    ['no images array', { body: [{ id: 'img-1' }] }],
    ['an images entry that is not an object', { body: { total_count: 2, images: [{ id: 'img-1' }, 'img-2'] } }],
    ['an images entry that is not an object', { body: { total_count: 2, images: [{ id: 'img-1' }, null] } }],
  ])('names what is wrong with a 2xx answer: %s', async (reason, answer) => {
    upstream = await startFakeUpstream(() => ({ ...answer, headers: { 'x-request-id': 'req-7' } }));
    const error = await rejectedGatewayError(create(upstream.url).listCatalog(ctx()));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.detail).toBe(`huawei answered ListImages with ${reason}`);
    expect(error.upstream).toEqual({ status: 200, requestId: 'req-7' });
  });

  it('sends ListImages as a GET, so an unavailable page is tried again', async () => {
    let attempts = 0;
    upstream = await startFakeUpstream(() =>
      ++attempts === 1 ? { status: 503, body: { error_code: 'WKS.0503', error_msg: 'busy' } } : { body: { total_count: 1, images: [catalog[0]] } },
    );
    expect((await create(upstream.url).listCatalog(ctx())).map((image) => image.providerImageId)).toEqual([catalog[0].id]);
    expect(upstream.requests.map((request) => request.method)).toEqual(['GET', 'GET']);
  });

  it('refuses an images body that arrives with HTTP 300', async () => {
    upstream = await startFakeUpstream(() => ({ status: 300, body: { total_count: 1, images: [catalog[0]] } }));
    const error = await rejectedGatewayError(create(upstream.url).listCatalog(ctx()));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.upstream?.status).toBe(300);
  });

  it('accepts the images of an HTTP 299 answer', async () => {
    upstream = await startFakeUpstream(() => ({ status: 299, body: { total_count: 1, images: [catalog[0]] } }));
    expect((await create(upstream.url).listCatalog(ctx())).map((image) => image.providerImageId)).toEqual([catalog[0].id]);
  });

  it("answers null for a service 404 with Huawei's envelope, and keeps other failures of a lookup", async () => {
    upstream = await startFakeUpstream(() => ({ status: 404, body: { error_code: 'WKS.0404', error_msg: 'image does not exist' } }));
    expect(await create(upstream.url).getImage!('gone', ctx())).toBeNull();
    await upstream.close();

    upstream = await startFakeUpstream(() => ({ status: 403, body: { error_code: 'WKS.00010099', error_msg: 'not enabled' } }));
    expect((await rejectedGatewayError(create(upstream.url).getImage!('x', ctx()))).code).toBe('FORBIDDEN');
  });

  it('scopes the cache by the token, and tells a token from an access key of the same value', () => {
    const scope = (credentials: Record<string, string>) => create('http://a', credentials).accountScope;
    expect(scope({ HUAWEI_TOKEN: TOKEN })).not.toBe(scope({ HUAWEI_TOKEN: `${TOKEN}-2` }));
    expect(scope({ HUAWEI_TOKEN: AK })).not.toBe(scope({ HUAWEI_AK: AK, HUAWEI_SK: SK }));
    expect(scope({ HUAWEI_AK: AK, HUAWEI_SK: SK })).toBe(scope({ HUAWEI_AK: AK, HUAWEI_SK: 'rotated' }));
    expect(scope({ HUAWEI_AK: AK, HUAWEI_SK: SK })).not.toBe(scope({ HUAWEI_AK: AK, HUAWEI_SK: SK, HUAWEI_REGION: 'cn-east-3' }));
  });

  it('names itself', () => {
    expect(create('http://a').displayName).toBe('Huawei Cloud Workspace');
  });
});
