import { createServer } from 'node:net';
import { DEFAULT_SIM_CREDENTIALS, RunningSim, startVendorSim } from './index';

async function admin(sim: RunningSim, method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.urls.admin}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function cecstackList(sim: RunningSim, token = sim.credentials.cecstackToken) {
  return fetch(`${sim.urls.cecstack}/api/image/v1/private-images?current=1&size=5`, {
    headers: { authorization: `Bearer ${token}`, 'x-regionid': sim.credentials.cecstackRegionId },
  });
}

describe('admin API', () => {
  let sim: RunningSim;

  beforeAll(async () => {
    sim = await startVendorSim();
  });
  afterAll(() => sim.close());

  it('counts every request per vendor and operation, auth failures and faulted requests included', async () => {
    await admin(sim, 'DELETE', '/stats');
    const didi = (token: string) =>
      fetch(`${sim.urls.didi}/dicloud/i/storage/cimg/list`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ regionId: 'gz', start: 0, limit: 1 }),
      });
    await (await didi(sim.credentials.didiToken)).text();
    await (await didi('wrong')).text();
    await admin(sim, 'PUT', '/faults/didi', { kind: 'error', code: 2, count: 1 });
    await (await didi(sim.credentials.didiToken)).text();
    await (await cecstackList(sim)).text();
    await (await cecstackList(sim, 'wrong')).text();
    await (await fetch(`${sim.urls.cecstack}/api/image/v1/images/img-kvvfk28fcjc0mt`, { headers: { authorization: 'x' } })).text();
    await (await fetch(`${sim.urls.huawei}/v2/${sim.credentials.huaweiProjectId}/images`, { headers: { 'x-auth-token': sim.credentials.huaweiToken } })).text();
    await (await fetch(`${sim.urls.ucloud}/?Action=GetUvodnImage&PublicKey=x&Signature=y`)).text();

    const { status, body } = await admin(sim, 'GET', '/stats');
    expect(status).toBe(200);
    expect(body).toEqual({
      didi: { requests: 3, byOperation: { 'cimg/list': 3 }, authFailures: 1 },
      huawei: { requests: 1, byOperation: { ListImages: 1 }, authFailures: 0 },
      ucloud: { requests: 1, byOperation: { GetUvodnImage: 1 }, authFailures: 1 },
      cecstack: { requests: 3, byOperation: { 'private-images/list': 2, 'images/get': 1 }, authFailures: 2 },
    });

    expect((await admin(sim, 'DELETE', '/stats')).status).toBe(204);
    expect((await admin(sim, 'GET', '/stats')).body.didi).toEqual({ requests: 0, byOperation: {}, authFailures: 0 });
  });

  it('lists each vendor’s distinct catalog ids with the raw items', async () => {
    const sizes: Record<string, number> = {};
    for (const vendor of ['didi', 'huawei', 'ucloud', 'cecstack']) {
      const { status, body } = await admin(sim, 'GET', `/catalog/${vendor}`);
      expect(status).toBe(200);
      expect(new Set(body.ids).size).toBe(body.ids.length);
      expect(body.items.length).toBeGreaterThanOrEqual(body.ids.length);
      sizes[vendor] = body.ids.length;
    }
    // DiDi 130 + 90 with 12 in both regions; CECSTACK 120 + 70 + 25 with one image in public and private.
    expect(sizes).toEqual({ didi: 208, huawei: 230, ucloud: 160, cecstack: 214 });
    expect((await admin(sim, 'GET', '/catalog/huawei')).body.region).toBe('cn-north-4');
    expect((await admin(sim, 'GET', '/catalog/aws')).status).toBe(404);
  });

  it('sets the global latency', async () => {
    expect((await admin(sim, 'PUT', '/latency', { latencyMs: 150 })).body).toEqual({ latencyMs: 150 });
    const started = Date.now();
    expect((await cecstackList(sim)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await admin(sim, 'PUT', '/latency', { latencyMs: -1 })).status).toBe(400);
    await admin(sim, 'PUT', '/latency', { latencyMs: 0 });
    expect((await admin(sim, 'GET', '/latency')).body).toEqual({ latencyMs: 0 });
  });
});

describe('startVendorSim options', () => {
  it('serves the credentials it was given and reports them', async () => {
    const sim = await startVendorSim({ credentials: { cecstackToken: 'other-token' }, latencyMs: 0 });
    try {
      expect(sim.credentials).toEqual({ ...DEFAULT_SIM_CREDENTIALS, cecstackToken: 'other-token' });
      expect((await cecstackList(sim)).status).toBe(200);
      expect((await cecstackList(sim, DEFAULT_SIM_CREDENTIALS.cecstackToken)).status).toBe(400);
    } finally {
      await sim.close();
    }
  });

  it('listens on the ports asked for, with URLs without a trailing slash', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const sim = await startVendorSim({ ports: { admin: port } });
    try {
      expect(sim.urls.admin).toBe(`http://127.0.0.1:${port}`);
      for (const url of Object.values(sim.urls)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await sim.close();
    }
  });

  it('refuses a host that is not loopback', async () => {
    await expect(startVendorSim({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});
