import { PROBLEMS } from '@images/core';
import { Image } from '@images/core';
import { RunningSim } from '../apps/vendor-sim/src';
import { Gateway, SimAdmin, VENDORS, getJson, startGateway, startSim } from './support/stack';

describe('GET /images over the four simulated vendors', () => {
  let sim: RunningSim;
  let gateway: Gateway;
  let admin: SimAdmin;
  let everything: Image[];

  beforeAll(async () => {
    sim = await startSim();
    admin = new SimAdmin(sim);
    gateway = await startGateway(sim);
    everything = await walkAllPages(`${gateway.url}/images?limit=200`);
  });

  afterAll(async () => {
    await gateway?.close();
    await sim?.close();
  });

  it('serves every image of every vendor exactly once across all pages', async () => {
    const expected: string[] = [];
    for (const vendor of VENDORS) expected.push(...(await admin.catalogIds(vendor)).map((id) => `${vendor}:${id}`));
    const got = everything.map((image) => image.id);
    expect(new Set(got).size).toBe(got.length);
    expect([...got].sort()).toEqual([...expected].sort());
    expect(got.length).toBeGreaterThan(500);
  });

  it('reports each source with its count, and complete when all answered', async () => {
    const { status, body } = await getJson(`${gateway.url}/images?limit=1`);
    expect(status).toBe(200);
    expect(body.complete).toBe(true);
    expect(body.sources.map((s: { provider: string }) => s.provider)).toEqual([...VENDORS]);
    for (const source of body.sources) {
      expect(source.status).toBe('ok');
      expect(source.count).toBe(everything.filter((image) => image.provider === source.provider).length);
    }
    expect(body.page.total).toBe(everything.length);
  });

  it('gives every image every field of the model', async () => {
    const fields = ['id', 'provider', 'providerImageId', 'name', 'description', 'status', 'providerStatus', 'visibility', 'osType', 'platform', 'osVersion', 'architecture', 'bits', 'diskFormat', 'sizeBytes', 'minDiskGiB', 'minRamMiB', 'regions', 'createdAt', 'updatedAt', 'extra'];
    for (const image of everything) {
      expect(Object.keys(image).sort()).toEqual([...fields].sort());
      expect(image.id).toBe(`${image.provider}:${image.providerImageId}`);
      if (image.createdAt !== null) expect(image.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });

  it('sorts by -createdAt by default, ties by id, nulls last', () => {
    expectSorted(everything, (image) => image.createdAt, 'desc');
  });

  it.each([
    ['createdAt', (i: Image) => i.createdAt, 'asc'],
    ['-createdAt', (i: Image) => i.createdAt, 'desc'],
    ['name', (i: Image) => i.name?.toLowerCase() ?? null, 'asc'],
    ['-name', (i: Image) => i.name?.toLowerCase() ?? null, 'desc'],
    ['sizeBytes', (i: Image) => i.sizeBytes, 'asc'],
    ['-sizeBytes', (i: Image) => i.sizeBytes, 'desc'],
  ] as const)('sorts by %s across pages', async (sort, key, direction) => {
    const all = await walkAllPages(`${gateway.url}/images?limit=97&sort=${sort}`);
    expect(all).toHaveLength(everything.length);
    expectSorted(all, key as (image: Image) => string | number | null, direction);
  });

  it.each([
    ['osType=windows', (i: Image) => i.osType === 'windows'],
    ['osType=linux', (i: Image) => i.osType === 'linux'],
    ['architecture=arm64', (i: Image) => i.architecture === 'arm64'],
    ['status=available', (i: Image) => i.status === 'available'],
    ['status=pending', (i: Image) => i.status === 'pending'],
    ['visibility=private', (i: Image) => i.visibility === 'private'],
    ['visibility=shared', (i: Image) => i.visibility === 'shared'],
    ['region=gz', (i: Image) => i.regions.includes('gz')],
    ['name=CENTOS', (i: Image) => (i.name ?? '').toLowerCase().includes('centos')],
    ['provider=huawei,ucloud', (i: Image) => i.provider === 'huawei' || i.provider === 'ucloud'],
    ['provider=didi&osType=linux&sort=name', (i: Image) => i.provider === 'didi' && i.osType === 'linux'],
  ] as const)('filters %s', async (query, predicate) => {
    const expected = everything.filter(predicate);
    expect(expected.length).toBeGreaterThan(0);
    const got = await walkAllPages(`${gateway.url}/images?limit=200&${query}`);
    expect(got.map((i) => i.id).sort()).toEqual(expected.map((i) => i.id).sort());
  });

  it('returns one image by id, and 404 problems for unknown ones', async () => {
    const sample = everything[17];
    const one = await getJson(`${gateway.url}/images/${encodeURIComponent(sample.id)}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(sample);
    for (const id of [`${sample.provider}:no-such-image`, 'nosuchprovider:1', 'no-colon']) {
      const missing = await getJson(`${gateway.url}/images/${encodeURIComponent(id)}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      expect(missing.body.code).toBe('NOT_FOUND');
    }
  });

  it.each([
    ['unknown parameter', 'foo=1', 'foo'],
    ['bad enum', 'osType=solaris', 'osType'],
    ['limit too small', 'limit=0', 'limit'],
    ['limit too large', 'limit=201', 'limit'],
    ['limit not a number', 'limit=ten', 'limit'],
    ['limit fractional', 'limit=1.5', 'limit'],
    ['repeated key', 'name=a&name=b', 'name'],
    ['bad sort', 'sort=size', 'sort'],
    ['bad visibility', 'visibility=unknown', 'visibility'],
    ['bad refresh', 'refresh=yes', 'refresh'],
    ['unknown provider', 'provider=didi,aws', 'provider'],
    ['malformed provider list', 'provider=didi,,ucloud', 'provider'],
    ['malformed cursor', 'cursor=not-a-cursor', 'cursor'],
    ['empty name', 'name=', 'name'],
    ['a prototype key', '__proto__=1', '__proto__'],
    ['a constructor key', 'constructor=x', 'constructor'],
    ['an inherited method name', 'toString=1', 'toString'],
    ['a bracketed key', 'sort[]=name', 'sort[]'],
  ])('answers 400 VALIDATION_FAILED for %s', async (_label, query, field) => {
    const { status, headers, body } = await getJson(`${gateway.url}/images?${query}`);
    expect(status).toBe(400);
    expect(headers.get('content-type')).toContain('application/problem+json');
    expect(body).toMatchObject({ type: '/problems/validation-failed', status: 400, code: 'VALIDATION_FAILED', instance: '/images' });
    expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(body.requestId).toBe(headers.get('x-request-id'));
  });

  it('filters by several values of a filter, as a comma list or the parameter repeated, and binds cursors to the set', async () => {
    const all = (await getJson(`${gateway.url}/images?limit=200`)).body;
    const statuses = new Set(all.items.map((image: { status: string }) => image.status));
    expect(statuses.size).toBeGreaterThan(1);
    const linuxOrWindows = (await getJson(`${gateway.url}/images?osType=linux,windows&limit=200`)).body;
    const repeated = (await getJson(`${gateway.url}/images?osType=windows&osType=linux&limit=200`)).body;
    const linux = (await getJson(`${gateway.url}/images?osType=linux&limit=200`)).body;
    const windows = (await getJson(`${gateway.url}/images?osType=windows&limit=200`)).body;
    expect(linuxOrWindows.page.total).toBe(linux.page.total + windows.page.total);
    expect(repeated.page.total).toBe(linuxOrWindows.page.total);
    expect(new Set(linuxOrWindows.items.map((image: { osType: string }) => image.osType))).toEqual(new Set(['linux', 'windows']));
    // A cursor of one set of values is refused for another, accepted for the same set written otherwise.
    const first = (await getJson(`${gateway.url}/images?status=available,pending&limit=2`)).body;
    expect((await getJson(`${gateway.url}/images?status=pending&status=available&limit=2&cursor=${first.page.nextCursor}`)).status).toBe(200);
    expect((await getJson(`${gateway.url}/images?status=available&limit=2&cursor=${first.page.nextCursor}`)).status).toBe(400);
  });

  it.each([
    ['osType=linux,solaris', 'osType must be one or more of linux, windows, other'],
    ['status=available,', 'status must be one or more of available, pending, failed, unavailable, deleted, unknown'],
    ['region=a,,b', 'region must be names of 1 to 64 characters'],
  ])('names what is wrong with a list: %s', async (query, detail) => {
    const { status, body } = await getJson(`${gateway.url}/images?${query}`);
    expect([status, body.detail]).toEqual([400, detail]);
  });

  it.each(['limit=abc', 'limit=-1', 'limit=1.5', 'limit=', 'limit=10&limit=20', 'limit=0', 'limit=201'])('names what is wrong with %s', async (query) => {
    const { status, body } = await getJson(`${gateway.url}/images?${query}`);
    expect(status).toBe(400);
    expect(body.detail).toBe('limit must be one whole number from 1 to 200');
  });

  it('answers a hostile path with a problem, not a framework error', async () => {
    const { status, headers, body } = await getJson(`${gateway.url}/images/${'x'.repeat(3000)}`);
    expect(status).toBe(400);
    expect(headers.get('content-type')).toContain('application/problem+json');
    expect(body).toMatchObject({ code: 'VALIDATION_FAILED', requestId: headers.get('x-request-id') });
  });

  it('survives a sweep of generated bad input: only 200s and 400 problems', async () => {
    const random = seeded(42);
    const keys = ['provider', 'name', 'osType', 'architecture', 'status', 'visibility', 'region', 'sort', 'limit', 'cursor', 'refresh', '__proto__', 'constructor', 'x', 'limit[]', 'name[a]', ''];
    const values = ['', 'linux', 'x86_64', 'didi', 'didi,,', '-name', '0', '201', '50', '1e3', '%00', '%ZZ', '%E0%A4%A', '\u{1F600}', '北京', 'a'.repeat(3000), '[]', '{}', 'true', 'null', 'eyJ9', "' OR 1=1 --", '<script>'];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const pairs = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
        const key = keys[Math.floor(random() * keys.length)];
        const raw = values[Math.floor(random() * values.length)];
        return `${encodeURIComponent(key)}=${raw.startsWith('%') ? raw : encodeURIComponent(raw)}`;
      });
      const response = await fetch(`${gateway.url}/images?${pairs.join('&')}`, { headers: { 'cache-control': random() < 0.1 ? 'no-cache' : 'max-age=0' } });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status !== 200) {
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(((await response.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
      } else {
        await response.arrayBuffer();
      }
    }
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
  });

  it('refuses a cursor used with other filters', async () => {
    const first = await getJson(`${gateway.url}/images?limit=5&osType=linux`);
    const reused = await getJson(`${gateway.url}/images?limit=5&osType=windows&cursor=${first.body.page.nextCursor}`);
    expect(reused.status).toBe(400);
    expect(reused.body.errors[0].field).toBe('cursor');
    const otherLimit = await getJson(`${gateway.url}/images?limit=7&osType=linux&cursor=${first.body.page.nextCursor}`);
    expect(otherLimit.status).toBe(200);
    const didiPage = await getJson(`${gateway.url}/images?limit=2&provider=didi`);
    for (const other of ['provider=ucloud', 'provider=didi,ucloud', '']) {
      const reusedElsewhere = await getJson(`${gateway.url}/images?limit=2&${other}&cursor=${didiPage.body.page.nextCursor}`);
      expect(reusedElsewhere.status).toBe(400);
    }
    const sameSelectionReordered = await getJson(`${gateway.url}/images?limit=2&provider=didi,didi&cursor=${didiPage.body.page.nextCursor}`);
    expect(sameSelectionReordered.status).toBe(200);
  });

  it('keeps the caller\'s X-Request-Id, or makes one', async () => {
    const given = await getJson(`${gateway.url}/providers`, { 'x-request-id': 'caller-id-123' });
    expect(given.headers.get('x-request-id')).toBe('caller-id-123');
    const made = await getJson(`${gateway.url}/providers`);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const notFound = await getJson(`${gateway.url}/nowhere`, { 'x-request-id': 'abc.def' });
    expect(notFound.status).toBe(404);
    expect(notFound.body).toMatchObject({ code: 'NOT_FOUND', requestId: 'abc.def' });
  });

  it('lists the enabled providers with capabilities and circuit state', async () => {
    const { status, body } = await getJson(`${gateway.url}/providers`);
    expect(status).toBe(200);
    expect(body.providers.map((p: { id: string }) => p.id)).toEqual([...VENDORS]);
    for (const provider of body.providers) {
      // The one-account environment form: each provider is its own vendor.
      expect(provider.vendor).toBe(provider.id);
      expect(provider.capabilities).toContain('list');
      expect(provider.circuit).toBe('closed');
      expect(provider.lastSuccessAt).not.toBeNull();
    }
  });

  it('answers the health probes', async () => {
    expect((await getJson(`${gateway.url}/health/live`)).status).toBe(200);
    const ready = await getJson(`${gateway.url}/health/ready`);
    expect([ready.status, ready.body.status]).toEqual([200, 'ok']);
    const full = await getJson(`${gateway.url}/health`);
    expect(full.status).toBe(200);
    expect(full.body.details.cache).toMatchObject({ status: 'up', backend: 'redis' });
    expect(Object.keys(full.body.details)).toEqual(expect.arrayContaining(VENDORS.map((v) => `provider:${v}`)));
  });

  it('exposes Prometheus metrics with upstream, cache and circuit series', async () => {
    const response = await fetch(`${gateway.url}/metrics`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toContain('text/plain');
    for (const vendor of VENDORS) {
      expect(text).toMatch(new RegExp(`gateway_upstream_requests_total\\{provider="${vendor}",operation="[^"]+",outcome="ok"\\} \\d+`));
      expect(text).toContain(`gateway_circuit_state{provider="${vendor}"} 0`);
    }
    expect(text).toMatch(/gateway_cache_requests_total\{provider="didi",outcome="hit"\} \d+/);
    expect(text).toMatch(/gateway_upstream_request_duration_seconds_bucket/);
  });

  it('serves the OpenAPI document, Swagger UI and problem descriptions', async () => {
    const doc = await getJson(`${gateway.url}/docs-json`);
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/images', '/images/{id}', '/providers', '/health', '/metrics', '/problems/{type}']));
    expect((await fetch(`${gateway.url}/docs`)).status).toBe(200);
    const problem = await getJson(`${gateway.url}/problems/upstream-auth-failed`);
    expect(problem.body).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', status: 502, type: '/problems/upstream-auth-failed' });
    expect((await getJson(`${gateway.url}/problems/no-such-problem`)).status).toBe(404);
  });

  it('answers problem types as JSON or, to a browser, as HTML from the same table, with Vary: Accept', async () => {
    const varies = (response: Response) => /(^|,\s*)accept(\s*,|$)/i.test(response.headers.get('vary') ?? '');
    const page = await fetch(`${gateway.url}/problems/validation-failed`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    const html = await page.text();
    expect([page.status, page.headers.get('content-type'), varies(page)]).toEqual([200, 'text/html; charset=utf-8', true]);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; frame-ancestors 'none'$/);
    expect(html).toContain('<code>errors</code>');
    expect(html).not.toContain('`');
    expect(html).toContain('href="/docs"');
    const json = await fetch(`${gateway.url}/problems/validation-failed`, { headers: { accept: 'application/json' } });
    expect([json.headers.get('content-type'), varies(json)]).toEqual(['application/json; charset=utf-8', true]);
    const index = await fetch(`${gateway.url}/problems`, { headers: { accept: 'text/html' } });
    expect([index.headers.get('content-type'), varies(index)]).toEqual(['text/html; charset=utf-8', true]);
    expect(await index.text()).toContain('href="/problems/upstream-auth-failed"');
    expect(varies(await fetch(`${gateway.url}/problems`))).toBe(true);
  });

  it('documents what the wire carries: null among the values of nullable enums, no default the vendors refuse', async () => {
    const { body } = await getJson(`${gateway.url}/docs-json`);
    const image = body.components.schemas.ImageDto.properties;
    for (const field of ['osType', 'architecture', 'bits']) expect({ field, nullable: image[field].nullable, hasNull: image[field].enum.includes(null) }).toEqual({ field, nullable: true, hasNull: true });
    expect(body.components.schemas.CreateImageBody.properties.visibility.default).toBeUndefined();
  });

  it("documents one schema per problem shape, the problem codes, this deployment's provider ids and the upload credentials", async () => {
    const { body } = await getJson(`${gateway.url}/docs-json`);
    const schemas = body.components.schemas;
    // A provider's error inside an answer has no instance or requestId of its own; a request's problem has both.
    expect(schemas.SourceDto.properties.error.$ref ?? schemas.SourceDto.properties.error.allOf?.[0]?.$ref).toBe('#/components/schemas/SourceErrorDto');
    expect(schemas.SourceErrorDto.required).not.toEqual(expect.arrayContaining(['instance']));
    expect(schemas.SourceErrorDto.required).not.toEqual(expect.arrayContaining(['requestId']));
    expect(schemas.ProblemDto.required).toEqual(expect.arrayContaining(['instance', 'requestId', 'code']));
    expect(schemas.ProblemDto.properties.code.enum).toEqual(Object.keys(PROBLEMS));
    // The list's 502 is a problem+json that may carry every source's outcome.
    const listFailed = body.paths['/images'].get.responses['502'].content['application/problem+json'].schema.$ref;
    expect(listFailed).toBe('#/components/schemas/ListFailedDto');
    expect(schemas.ListFailedDto.properties.sources.items.$ref).toBe('#/components/schemas/SourceDto');
    const ids = (await getJson(`${gateway.url}/providers`)).body.providers.map((provider: { id: string }) => provider.id);
    for (const [schema, property] of [['ImageDto', 'provider'], ['SourceDto', 'provider'], ['ProviderStateDto', 'id'], ['OperationDto', 'provider']]) {
      expect({ schema, values: schemas[schema].properties[property].enum }).toEqual({ schema, values: ids });
    }
    expect(Object.keys(schemas.UploadTargetDto.properties)).toEqual(expect.arrayContaining(['uploadId', 'bucket', 'file', 'domain', 'accessKey', 'secretKey', 'token', 'imageUrl']));
  });

  it('documents the answers every route may give: 401, 403 and 429 where a caller is needed, X-Request-Id always, Retry-After on 429 and 503', async () => {
    const { body } = await getJson(`${gateway.url}/docs-json`);
    const list = body.paths['/images'].get.responses;
    for (const status of ['200', '401', '403', '429', '503']) expect({ status, header: Object.keys(list[status]?.headers ?? {}) }).toEqual({ status, header: expect.arrayContaining(['X-Request-Id']) });
    expect(Object.keys(list['429'].headers)).toContain('Retry-After');
    expect(list['401'].content['application/problem+json']).toBeDefined();
    expect(body.paths['/health/live'].get.responses['401']).toBeUndefined();
    expect(body.paths['/images'].post.responses['404']).toBeDefined();
    expect(list['404']).toBeDefined();
    // Writes: Location on 201 and 202, Idempotent-Replayed on a POST's success; a partial download says its range.
    const create = body.paths['/images'].post.responses;
    expect(Object.keys(create['201'].headers)).toEqual(expect.arrayContaining(['Location', 'Idempotent-Replayed', 'X-Request-Id']));
    expect(Object.keys(create['202'].headers)).toEqual(expect.arrayContaining(['Location', 'Idempotent-Replayed']));
    expect(Object.keys(body.paths['/images/{id}/file'].get.responses['206'].headers)).toContain('Content-Range');
    // The probes document their report's shape.
    const healthRef = (path: string, status: string) => body.paths[path].get.responses[status].content['application/json'].schema.$ref;
    expect([healthRef('/health/live', '200'), healthRef('/health/ready', '503'), healthRef('/health', '200')]).toEqual(Array(3).fill('#/components/schemas/HealthReportDto'));
  });
});

/** A small deterministic PRNG (mulberry32) so a failing sweep can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function walkAllPages(firstUrl: string): Promise<Image[]> {
  const all: Image[] = [];
  let url: string | null = firstUrl;
  for (let guard = 0; url && guard < 100; guard++) {
    const page: { status: number; body: { items: Image[]; page: { nextCursor: string | null } } } = await getJson(url);
    expect(page.status).toBe(200);
    const body = page.body;
    all.push(...body.items);
    url = body.page.nextCursor ? `${firstUrl}&cursor=${encodeURIComponent(body.page.nextCursor)}` : null;
  }
  return all;
}

function expectSorted<T extends string | number>(images: Image[], key: (image: Image) => T | null, direction: 'asc' | 'desc'): void {
  for (let i = 1; i < images.length; i++) {
    const a = key(images[i - 1]);
    const b = key(images[i]);
    if (a === null) {
      expect(b).toBeNull();
      expect(images[i - 1].id < images[i].id).toBe(true);
      continue;
    }
    if (b === null) continue;
    if (a === b) {
      expect(images[i - 1].id < images[i].id).toBe(true);
      continue;
    }
    expect(direction === 'asc' ? a < b : a > b).toBe(true);
  }
}
