import { createHash, createHmac } from 'node:crypto';
import { RunningSim, startVendorSim } from './sim';

// The AK/SK signer here is written from the vendor rules on its own, not with the simulator's verifier.
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sdkDateOf(date: Date): string {
  return date.toISOString().replace(/\.\d{3}/, '').replace(/[-:]/g, '');
}

function signedHeaders(method: string, url: string, keys: { ak: string; sk: string }, options: { date?: Date; body?: string; extra?: Record<string, string> } = {}) {
  const target = new URL(url);
  const sdkDate = sdkDateOf(options.date ?? new Date());
  const sent: Record<string, string> = { ...options.extra, 'x-sdk-date': sdkDate };
  const all: Record<string, string> = { ...sent, host: target.host };
  const names = Object.keys(all).map((name) => name.toLowerCase()).sort();
  const path = target.pathname.split('/').map((segment) => encode(decodeURIComponent(segment))).join('/');
  const query = [...target.searchParams]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${encode(name)}=${encode(value)}`)
    .join('&');
  const canonical = [
    method,
    path.endsWith('/') ? path : `${path}/`,
    query,
    names.map((name) => `${name}:${all[name].trim()}\n`).join(''),
    names.join(';'),
    createHash('sha256').update(options.body ?? '').digest('hex'),
  ].join('\n');
  const stringToSign = `SDK-HMAC-SHA256\n${sdkDate}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const signature = createHmac('sha256', keys.sk).update(stringToSign).digest('hex');
  return { ...sent, authorization: `SDK-HMAC-SHA256 Access=${keys.ak}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

describe('Huawei simulator: GET /v2/{project_id}/images', () => {
  let sim: RunningSim;
  let imagesUrl: string;
  let keys: { ak: string; sk: string };
  let catalogIds: string[];

  beforeAll(async () => {
    sim = await startVendorSim();
    imagesUrl = `${sim.urls.huawei}/v2/${sim.credentials.huaweiProjectId}/images`;
    keys = { ak: sim.credentials.huaweiAk, sk: sim.credentials.huaweiSk };
    catalogIds = ((await (await fetch(`${sim.urls.admin}/catalog/huawei`)).json()) as { ids: string[] }).ids;
  });
  afterAll(() => sim.close());

  async function call(url: string, headers: Record<string, string>) {
    const response = await fetch(url, { headers });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  }

  const signedGet = (url: string, options?: Parameters<typeof signedHeaders>[3]) => call(url, signedHeaders('GET', url, keys, options));

  it('pages through the catalog with AK/SK signing; the pages add up to it', async () => {
    const ids: string[] = [];
    let total = Infinity;
    for (let offset = 0; offset < total; offset += 100) {
      const { status, headers, body } = await signedGet(`${imagesUrl}?offset=${offset}&limit=100`, {
        extra: { 'content-type': 'application/json', 'x-project-id': sim.credentials.huaweiProjectId },
      });
      expect(status).toBe(200);
      expect(headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
      total = body.total_count;
      ids.push(...body.images.map((image: { id: string }) => image.id));
    }
    expect(total).toBe(230);
    expect(ids).toEqual(catalogIds);
    expect(new Set(ids).size).toBe(230);
  });

  it('accepts X-Auth-Token instead, and defaults limit to 100', async () => {
    const { status, body } = await call(imagesUrl, { 'x-auth-token': sim.credentials.huaweiToken });
    expect(status).toBe(200);
    expect(body.images).toHaveLength(100);
    expect(body.total_count).toBe(230);
  });

  it('includes both doc example items and items in the documented shape', async () => {
    const { body } = await call(`${imagesUrl}?limit=100&offset=0&image_type=gold&os_type=Linux`, { 'x-auth-token': sim.credentials.huaweiToken });
    const all = [...body.images];
    for (let offset = 100; offset < body.total_count; offset += 100) {
      all.push(...(await call(`${imagesUrl}?limit=100&offset=${offset}&image_type=gold&os_type=Linux`, { 'x-auth-token': sim.credentials.huaweiToken })).body.images);
    }
    expect(all.map((image) => image.id)).toEqual(expect.arrayContaining(['d6b368bc-a24d-4fb5-a8fb-727356a53f33', 'bef99a44-2b6a-4ef9-b1a2-204a4910e374']));
    for (const image of all) expect(image).toMatchObject({ image_type: 'gold', os_type: 'Linux', min_disk: expect.any(Number), disk_format: expect.any(String) });
  });

  it('filters by image_id and architecture', async () => {
    const one = await call(`${imagesUrl}?image_id=${catalogIds[5]}`, { 'x-auth-token': sim.credentials.huaweiToken });
    expect(one.body.total_count).toBe(1);
    expect(one.body.images[0].id).toBe(catalogIds[5]);
    const arm = await call(`${imagesUrl}?architecture=arm`, { 'x-auth-token': sim.credentials.huaweiToken });
    expect(arm.body.total_count).toBeGreaterThan(5);
    for (const image of arm.body.images) expect(image.architecture).toBe('arm');
  });

  describe('image_id filter', () => {
    const get = (query: string) => call(`${imagesUrl}?${query}`, { 'x-auth-token': sim.credentials.huaweiToken });

    it('matches the doc example’s id exactly, in the vendor envelope', async () => {
      const { status, headers, body } = await get('image_id=d6b368bc-a24d-4fb5-a8fb-727356a53f33');
      expect(status).toBe(200);
      expect(headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
      expect(body).toEqual({
        total_count: 1,
        images: [expect.objectContaining({ id: 'd6b368bc-a24d-4fb5-a8fb-727356a53f33', name: 'Euler_Online_Tenant_vAG', min_disk: 50 })],
      });
    });

    it('counts matches, not the page: total_count stays 1 past the page', async () => {
      expect((await get(`image_id=${catalogIds[7]}&limit=0`)).body).toEqual({ total_count: 1, images: [] });
      expect((await get(`image_id=${catalogIds[7]}&offset=1`)).body).toEqual({ total_count: 1, images: [] });
    });

    it('finds nothing for an unknown id, a prefix or another case of a known one', async () => {
      const known = catalogIds[9];
      for (const id of ['00000000-0000-4000-8000-000000000000', known.slice(0, 8), known.toUpperCase()]) {
        const { status, body } = await get(`image_id=${encodeURIComponent(id)}`);
        expect(status).toBe(200);
        expect(body).toEqual({ total_count: 0, images: [] });
      }
    });

    it('combines with the other filters', async () => {
      const image = (await get(`image_id=${catalogIds[11]}`)).body.images[0];
      expect((await get(`image_id=${image.id}&image_type=${image.image_type}&os_type=${image.os_type}`)).body.total_count).toBe(1);
      const otherType = image.image_type === 'gold' ? 'private' : 'gold';
      expect((await get(`image_id=${image.id}&image_type=${otherType}`)).body).toEqual({ total_count: 0, images: [] });
    });

    it('works with AK/SK signing', async () => {
      const url = `${imagesUrl}?image_id=${catalogIds[13]}`;
      const { status, body } = await signedGet(url);
      expect(status).toBe(200);
      expect(body.total_count).toBe(1);
      expect(body.images[0].id).toBe(catalogIds[13]);
    });
  });

  it('filters by platform as the OS type, and accepts package_type', async () => {
    const windows = await call(`${imagesUrl}?platform=Windows`, { 'x-auth-token': sim.credentials.huaweiToken });
    const byOsType = await call(`${imagesUrl}?os_type=Windows`, { 'x-auth-token': sim.credentials.huaweiToken });
    expect(windows.body.total_count).toBeGreaterThan(5);
    expect(windows.body.total_count).toBeLessThan(230);
    expect(windows.body).toEqual(byOsType.body);
    for (const image of windows.body.images) expect(image.os_type).toBe('Windows');
    expect((await call(`${imagesUrl}?platform=Windows&os_type=Linux`, { 'x-auth-token': sim.credentials.huaweiToken })).body.total_count).toBe(0);
    const packaged = await call(`${imagesUrl}?package_type=general`, { 'x-auth-token': sim.credentials.huaweiToken });
    expect(packaged.status).toBe(200);
    expect(packaged.body.total_count).toBe(230);
  });

  it('sorts by created_at when asked', async () => {
    const { body } = await call(`${imagesUrl}?sort_field=created_at&sort_type=desc&limit=50`, { 'x-auth-token': sim.credentials.huaweiToken });
    const times = body.images.map((image: { created_at: string }) => Date.parse(image.created_at.endsWith('Z') ? image.created_at : `${image.created_at}Z`));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('rejects a limit outside 0..100 or not an integer with 400 WKS.0001', async () => {
    for (const limit of ['101', '-1', '2.5', 'ten']) {
      const { status, body } = await call(`${imagesUrl}?limit=${limit}`, { 'x-auth-token': sim.credentials.huaweiToken });
      expect(status).toBe(400);
      expect(body.error_code).toBe('WKS.0001');
    }
    expect((await call(`${imagesUrl}?offset=-3`, { 'x-auth-token': sim.credentials.huaweiToken })).status).toBe(400);
  });

  it('rejects a bad signature, a wrong secret and an unknown AK with 401 APIGW.0301', async () => {
    const wrongSecret = await call(imagesUrl, signedHeaders('GET', imagesUrl, { ak: keys.ak, sk: 'not-the-secret' }));
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toEqual({
      error_code: 'APIGW.0301',
      error_msg: 'Incorrect IAM authentication information: verify aksk signature fail',
      request_id: expect.any(String),
    });
    // Signed for one query, sent with another.
    const tampered = await call(`${imagesUrl}?limit=5`, signedHeaders('GET', `${imagesUrl}?limit=6`, keys));
    expect(tampered.status).toBe(401);
    expect(tampered.body.error_code).toBe('APIGW.0301');
    const unknownAk = await call(imagesUrl, signedHeaders('GET', imagesUrl, { ak: 'NOSUCHAK', sk: keys.sk }));
    expect(unknownAk.status).toBe(401);
    expect(unknownAk.body.error_code).toBe('APIGW.0301');
  });

  it('rejects an X-Sdk-Date more than 15 minutes off with 401 APIGW.0303', async () => {
    const { status, body } = await signedGet(imagesUrl, { date: new Date(Date.now() - 20 * 60_000) });
    expect(status).toBe(401);
    expect(body.error_code).toBe('APIGW.0303');
  });

  it('rejects a wrong token and a request without credentials with 401', async () => {
    expect((await call(imagesUrl, { 'x-auth-token': 'nope' })).status).toBe(401);
    const bare = await call(imagesUrl, {});
    expect(bare.status).toBe(401);
    expect(bare.body.error_code).toBe('APIGW.0301');
  });

  it('answers 403 for a project id that is not the account’s', async () => {
    const url = `${sim.urls.huawei}/v2/ffffffffffffffffffffffffffffffff/images`;
    const { status, body } = await signedGet(url);
    expect(status).toBe(403);
    expect(body.error_code).toMatch(/^APIGW\./);
  });

  it('answers 404 APIGW.0101 for an API it does not have', async () => {
    const { status, body } = await call(`${sim.urls.huawei}/v2/${sim.credentials.huaweiProjectId}/desktops`, { 'x-auth-token': sim.credentials.huaweiToken });
    expect(status).toBe(404);
    expect(body.error_code).toBe('APIGW.0101');
  });
});
