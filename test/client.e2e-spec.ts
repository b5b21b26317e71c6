import { Image, OperationTimeoutError, ProblemError, createImagesClient, dataOrThrow, listPages, waitForOperation, walkImages } from '@images/client';
import { CALLERS, bearer, callersEnv } from './support/callers';
import { CECSTACK_ACCOUNT_ENV, getJson, startGateway } from './support/stack';
import { STEP_MS, useSimAndGateway } from './support/suite-setup';

// libs/client against the real gateway over the vendor simulators (Redis, API keys): every call goes through
// openapi-fetch and the global fetch to a loopback gateway.

const SNAPSHOT_BJ = '3fd352092a3f553cb124223f6a7f09b4';

describe('the typed client against the gateway', () => {
  const suite = useSimAndGateway({ stepMs: STEP_MS }, (sim) => startGateway(sim, { env: callersEnv(CECSTACK_ACCOUNT_ENV) }));
  const reader = () => createImagesClient({ baseUrl: suite.gateway.url, apiKey: CALLERS.reader.key });
  const writer = () => createImagesClient({ baseUrl: suite.gateway.url, apiKey: CALLERS.writer.key });
  /** The gateway's own answer to a query, read without the client. */
  const direct = async (query: string) => (await getJson(`${suite.gateway.url}/images?${query}`, bearer(CALLERS.reader))).body;

  it('walks every page of a filtered list through nextCursor: the same images, in the same order, as one direct page', async () => {
    const expected = await direct('architecture=arm64&sort=name&limit=200');
    expect(expected.page.nextCursor).toBeNull();
    expect(expected.items.length).toBeGreaterThan(3 * 8);

    const walked: Image[] = [];
    for await (const image of walkImages(reader(), { architecture: ['arm64'], sort: 'name', limit: 8 })) walked.push(image);
    expect(walked.map((image) => image.id)).toEqual(expected.items.map((image: Image) => image.id));
    expect(walked).toEqual(expected.items);
  });

  it('lists page by page with each page’s sources, and several values of one filter', async () => {
    const pages = [];
    for await (const list of listPages(reader(), { provider: 'huawei,ucloud', osType: ['windows', 'other'], limit: 50 })) pages.push(list);
    const expected = await direct('provider=huawei,ucloud&osType=windows,other&limit=1');
    expect(pages.length).toBe(Math.ceil(expected.page.total / 50));
    expect(pages.flatMap((list) => list.items).length).toBe(expected.page.total);
    expect(pages.flatMap((list) => list.items).every((image) => ['huawei', 'ucloud'].includes(image.provider) && ['windows', 'other'].includes(image.osType!))).toBe(true);
    expect(pages.every((list) => list.complete && list.sources.map((source) => source.provider).sort().join() === 'huawei,ucloud')).toBe(true);
    expect(pages.at(-1)!.page.nextCursor).toBeNull();
  });

  it('gets one image by its id (a provider:id path parameter)', async () => {
    const [listed] = (await direct('provider=didi&limit=1')).items as Image[];
    const { data, response } = await reader().GET('/images/{id}', { params: { path: { id: listed.id } } });
    expect(response.status).toBe(200);
    expect(data).toEqual(listed);
  });

  it('surfaces problems typed: a 404 and a 400 with its field errors, as data and as a ProblemError', async () => {
    const missing = await reader().GET('/images/{id}', { params: { path: { id: 'didi:0000ffff0000ffff0000ffff0000ffff' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ status: 404, code: 'NOT_FOUND', instance: expect.stringMatching(/^\/images\//) });
    expect(missing.response.headers.get('content-type')).toContain('application/problem+json');

    const invalid = await reader().GET('/images', { params: { query: { limit: 0 } } });
    expect(invalid.error?.code).toBe('VALIDATION_FAILED');
    expect(invalid.error?.errors?.map((error) => error.field)).toContain('limit');

    const thrown = await dataOrThrow(reader().GET('/images/{id}', { params: { path: { id: 'huawei:no-such-image' } } })).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(ProblemError);
    expect(thrown).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(walkImages(reader(), { limit: 500 }).next()).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('authenticates with the key as a bearer token or as X-Api-Key; no key or a key without the scope is refused, typed', async () => {
    const viaHeader = createImagesClient({ baseUrl: suite.gateway.url, apiKey: CALLERS.reader.key, keyHeader: 'x-api-key' });
    expect((await viaHeader.GET('/providers')).data?.providers.map((provider) => provider.id).sort()).toEqual(['cecstack', 'didi', 'huawei', 'ucloud']);
    expect((await reader().GET('/providers')).response.status).toBe(200);

    const anonymous = await createImagesClient({ baseUrl: suite.gateway.url }).GET('/providers');
    expect([anonymous.response.status, anonymous.error?.code]).toEqual([401, 'UNAUTHENTICATED']);
    const wrongKey = await createImagesClient({ baseUrl: suite.gateway.url, apiKey: 'not-a-key' }).GET('/images');
    expect([wrongKey.response.status, wrongKey.error?.code]).toEqual([401, 'UNAUTHENTICATED']);
    const readerWrites = await reader().DELETE('/images/{id}', { params: { path: { id: 'didi:0000ffff0000ffff0000ffff0000ffff' } } });
    expect([readerWrites.response.status, readerWrites.error?.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('creates an image whose vendor job is an operation (202, Location), and waits for it to succeed', async () => {
    const client = writer();
    const created = await client.POST('/images', {
      body: { provider: 'didi', name: 'e2e client', fromSnapshot: SNAPSHOT_BJ, region: 'bj' },
      params: { header: { 'Idempotency-Key': 'client-e2e-create-1' } },
    });
    expect(created.response.status).toBe(202);
    const accepted = created.data && 'operation' in created.data ? created.data : undefined;
    const operation = accepted?.operation;
    expect(operation).toMatchObject({ provider: 'didi', status: 'running' });
    expect(created.response.headers.get('location')).toBe(`/operations/${operation!.id}`);

    const finished = await waitForOperation(client, created.response.headers.get('location')!, { intervalMs: 100, timeoutMs: 15_000 });
    expect(finished).toMatchObject({ id: operation!.id, status: 'succeeded', progress: 100, resourceId: operation!.resourceId });
    const image = await dataOrThrow(client.GET('/images/{id}', { params: { path: { id: finished.resourceId! } } }));
    expect([image.name, image.status]).toEqual(['e2e client', 'available']);
  });

  it('gives up waiting after its timeout, or at once when the caller aborts; an unknown operation is a ProblemError', async () => {
    const client = writer();
    const created = await dataOrThrow(client.POST('/images', { body: { provider: 'didi', name: 'e2e client wait', fromSnapshot: SNAPSHOT_BJ, region: 'bj' } }));
    const operationId = 'operation' in created ? created.operation!.id : '';
    expect(operationId).toMatch(/^didi:bj\./);

    const timedOut = await waitForOperation(client, operationId, { timeoutMs: 150, intervalMs: 10_000 }).catch((error: unknown) => error);
    expect(timedOut).toBeInstanceOf(OperationTimeoutError);
    expect(timedOut).toMatchObject({ operationId, timeoutMs: 150 });

    // Aborted before its first long poll leaves (the simulated job ends within a second, which would end a wait).
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    await expect(waitForOperation(client, operationId, { intervalMs: 10_000, signal: controller.signal })).rejects.toThrow('caller gave up');

    await expect(waitForOperation(client, 'didi:bj.0123456789abcdef0123456789abcdef')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
