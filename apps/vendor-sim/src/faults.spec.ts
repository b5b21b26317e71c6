import { createHash } from 'node:crypto';
import { RunningSim, VendorName, startVendorSim } from './sim';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
  elapsedMs: number;
}

/** One valid list request per vendor. */
function validRequest(sim: RunningSim, vendor: VendorName, query = ''): { url: string; init: RequestInit } {
  const c = sim.credentials;
  switch (vendor) {
    case 'didi':
      return {
        url: `${sim.urls.didi}/dicloud/i/storage/cimg/list${query}`,
        init: { method: 'POST', headers: { authorization: `Bearer ${c.didiToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ regionId: 'bj', start: 0, limit: 5 }) },
      };
    case 'huawei':
      return { url: `${sim.urls.huawei}/v2/${c.huaweiProjectId}/images?limit=5${query}`, init: { headers: { 'x-auth-token': c.huaweiToken } } };
    case 'ucloud': {
      const params: Record<string, string> = { Action: 'GetUvodnImage', Limit: '5', PublicKey: c.ucloudPublicKey };
      const payload = Object.keys(params).sort().map((key) => `${key}${params[key]}`).join('');
      const signature = createHash('sha1').update(payload + c.ucloudPrivateKey).digest('hex');
      return { url: `${sim.urls.ucloud}/?${new URLSearchParams({ ...params, Signature: signature })}${query}`, init: {} };
    }
    case 'cecstack':
      return {
        url: `${sim.urls.cecstack}/api/image/v1/images?current=1&size=5${query}`,
        init: { headers: { authorization: `Bearer ${c.cecstackToken}`, 'x-regionid': c.cecstackRegionId } },
      };
  }
}

async function send(sim: RunningSim, vendor: VendorName, query = ''): Promise<Answer> {
  const { url, init } = validRequest(sim, vendor, query);
  const started = Date.now();
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json, elapsedMs: Date.now() - started };
}

async function admin(sim: RunningSim, method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.urls.admin}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function isNormalAnswer(vendor: VendorName, answer: Answer): boolean {
  if (answer.status !== 200 || answer.json === undefined) return false;
  switch (vendor) {
    case 'didi':
      return answer.json.errno === 0 && Array.isArray(answer.json.data.items);
    case 'huawei':
      return Array.isArray(answer.json.images);
    case 'ucloud':
      return answer.json.RetCode === 0 && Array.isArray(answer.json.ImageList);
    case 'cecstack':
      return answer.json.code === 'Success' && Array.isArray(answer.json.data.list);
  }
}

const VENDORS: VendorName[] = ['didi', 'huawei', 'ucloud', 'cecstack'];

describe('fault injection', () => {
  let sim: RunningSim;

  beforeAll(async () => {
    sim = await startVendorSim();
  });
  afterAll(() => sim.close());
  afterEach(async () => {
    await admin(sim, 'DELETE', '/faults');
  });

  const fault = (vendor: VendorName, spec: Record<string, unknown>) => admin(sim, 'PUT', `/faults/${vendor}`, spec);

  it.each(VENDORS)('%s: latency delays the answer, which is otherwise normal', async (vendor) => {
    await fault(vendor, { kind: 'latency', latencyMs: 250, count: 1 });
    const slow = await send(sim, vendor);
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(240);
    expect(isNormalAnswer(vendor, slow)).toBe(true);
    const fast = await send(sim, vendor);
    expect(fast.elapsedMs).toBeLessThan(200);
  });

  describe('error answers in each vendor’s envelope', () => {
    it('didi: errno with HTTP 200', async () => {
      await fault('didi', { kind: 'error', code: 10000001 });
      const answer = await send(sim, 'didi');
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ errno: 10000001, errmsg: expect.any(String), requestId: expect.any(String) });
    });

    it('ucloud: RetCode with HTTP 200 and a message', async () => {
      await fault('ucloud', { kind: 'error', code: 299 });
      const answer = await send(sim, 'ucloud');
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ Action: 'GetUvodnImageResponse', RetCode: 299, Message: expect.any(String) });
    });

    it.each([
      ['APIGW.0301', 401],
      ['APIGW.0303', 401],
      ['APIGW.0308', 429],
      ['APIGW.0101', 404],
      ['WKS.00010099', 403],
      ['WKS.0202', 500],
    ])('huawei: %s answers HTTP %i', async (code, status) => {
      await fault('huawei', { kind: 'error', code, httpStatus: 418 });
      const answer = await send(sim, 'huawei');
      expect(answer.status).toBe(status);
      expect(answer.json).toMatchObject({ error_code: code, error_msg: expect.any(String) });
    });

    it('huawei: another code takes httpStatus, else 500', async () => {
      await fault('huawei', { kind: 'error', code: 'WKS.0999', httpStatus: 503 });
      expect((await send(sim, 'huawei')).status).toBe(503);
      await fault('huawei', { kind: 'error', code: 'WKS.0999' });
      const answer = await send(sim, 'huawei');
      expect(answer.status).toBe(500);
      expect(answer.json.error_code).toBe('WKS.0999');
    });

    it('cecstack: HTTP 400 with the full code, given in full or short form', async () => {
      for (const code of ['IMG.OperationDenied.Quota', 'Quota']) {
        await fault('cecstack', { kind: 'error', code });
        const answer = await send(sim, 'cecstack');
        expect(answer.status).toBe(400);
        expect(answer.json).toEqual({ requestId: expect.any(String), code: 'IMG.OperationDenied.Quota', message: '配额校验失败', data: null });
      }
      await fault('cecstack', { kind: 'error', code: 'DBGet.NoData' });
      expect((await send(sim, 'cecstack')).json.code).toBe('IMG.DBGet.NoData');
    });
  });

  describe('throttle', () => {
    it('huawei: 429 APIGW.0308 with Retry-After', async () => {
      await fault('huawei', { kind: 'throttle' });
      const answer = await send(sim, 'huawei');
      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(answer.json.error_code).toBe('APIGW.0308');
    });

    it('ucloud: RetCode 153 with HTTP 200', async () => {
      await fault('ucloud', { kind: 'throttle' });
      const answer = await send(sim, 'ucloud');
      expect(answer.status).toBe(200);
      expect(answer.json.RetCode).toBe(153);
    });

    it.each(['didi', 'cecstack'] as const)('%s: plain 429 with Retry-After', async (vendor) => {
      await fault(vendor, { kind: 'throttle' });
      const answer = await send(sim, vendor);
      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(answer.json).toBeUndefined();
    });
  });

  it.each(VENDORS)('%s: garbage is HTTP 200 with a body that is not JSON', async (vendor) => {
    await fault(vendor, { kind: 'garbage' });
    const answer = await send(sim, vendor);
    expect(answer.status).toBe(200);
    expect(answer.text.length).toBeGreaterThan(0);
    expect(answer.json).toBeUndefined();
  });

  it.each(VENDORS)('%s: badshape is HTTP 200 with JSON of the wrong shape', async (vendor) => {
    await fault(vendor, { kind: 'badshape' });
    const answer = await send(sim, vendor);
    expect(answer.status).toBe(200);
    expect(answer.json).toBeDefined();
    expect(isNormalAnswer(vendor, answer)).toBe(false);
  });

  it.each(VENDORS)('%s: status answers the bare HTTP status with an HTML body', async (vendor) => {
    await fault(vendor, { kind: 'status', httpStatus: 502 });
    const answer = await send(sim, vendor);
    expect(answer.status).toBe(502);
    expect(answer.headers.get('content-type')).toMatch(/text\/html/);
    await fault(vendor, { kind: 'status' });
    expect((await send(sim, vendor)).status).toBe(503);
  });

  it.each(VENDORS)('%s: reset destroys the socket without an answer', async (vendor) => {
    await fault(vendor, { kind: 'reset', count: 1 });
    await expect(send(sim, vendor)).rejects.toThrow();
    expect(isNormalAnswer(vendor, await send(sim, vendor))).toBe(true);
  });

  it('applies to the next count requests only, then clears itself', async () => {
    await fault('didi', { kind: 'error', code: 2, count: 2 });
    expect((await send(sim, 'didi')).json.errno).toBe(2);
    expect((await send(sim, 'didi')).json.errno).toBe(2);
    expect((await send(sim, 'didi')).json.errno).toBe(0);
    expect((await admin(sim, 'GET', '/faults')).body.didi).toBeNull();
  });

  it('applies only to requests whose path and query contain pathContains', async () => {
    await fault('cecstack', { kind: 'error', code: 'Internal.Error', pathContains: 'requestInfo=region0' });
    expect((await send(sim, 'cecstack')).json.code).toBe('Success');
    expect((await send(sim, 'cecstack', '&requestInfo=region0')).json.code).toBe('IMG.Internal.Error');
  });

  it('matches pathContains against the body too, where DiDi and UCloud (POST) carry the paging', async () => {
    await fault('didi', { kind: 'garbage', pathContains: '"start":100' });
    expect(isNormalAnswer('didi', await send(sim, 'didi'))).toBe(true);
    const secondPage = await fetch(`${sim.urls.didi}/dicloud/i/storage/cimg/list`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.credentials.didiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ regionId: 'bj', start: 100, limit: 100 }),
    });
    expect(secondPage.status).toBe(200);
    const text = await secondPage.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('replaces the previous fault, and clears per vendor or all at once', async () => {
    await fault('ucloud', { kind: 'error', code: 150 });
    await fault('ucloud', { kind: 'throttle' });
    expect((await send(sim, 'ucloud')).json.RetCode).toBe(153);
    await fault('didi', { kind: 'garbage' });
    expect((await admin(sim, 'DELETE', '/faults/ucloud')).status).toBe(204);
    expect(isNormalAnswer('ucloud', await send(sim, 'ucloud'))).toBe(true);
    expect((await send(sim, 'didi')).json).toBeUndefined();
    expect((await admin(sim, 'DELETE', '/faults')).status).toBe(204);
    expect(isNormalAnswer('didi', await send(sim, 'didi'))).toBe(true);
  });

  it('rejects invalid fault specs and unknown vendors', async () => {
    expect((await fault('didi', { kind: 'explode' })).status).toBe(400);
    expect((await fault('didi', { kind: 'latency' })).status).toBe(400);
    expect((await fault('didi', { kind: 'error', count: 0 })).status).toBe(400);
    expect((await fault('didi', { kind: 'status', httpStatus: 42 })).status).toBe(400);
    expect((await admin(sim, 'PUT', '/faults/aws', { kind: 'hang' })).status).toBe(404);
  });
});

describe('hang fault', () => {
  it.each(VENDORS)('%s: the request stays unanswered until the simulator closes', async (vendor) => {
    const sim = await startVendorSim();
    await admin(sim, 'PUT', `/faults/${vendor}`, { kind: 'hang' });
    const outcome = send(sim, vendor).then(
      () => 'answered',
      () => 'failed',
    );
    const early = await Promise.race([outcome, new Promise((resolve) => setTimeout(() => resolve('pending'), 200))]);
    expect(early).toBe('pending');
    const closing = Date.now();
    await sim.close();
    expect(Date.now() - closing).toBeLessThan(1000);
    expect(await outcome).toBe('failed');
  });
});
