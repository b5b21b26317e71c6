import { RunningSim, startVendorSim } from './sim';

describe('DiDi simulator: POST /dicloud/i/storage/cimg/list', () => {
  let sim: RunningSim;
  let catalog: { ids: string[]; items: Array<Record<string, unknown>>; lists: Record<string, string[]> };

  beforeAll(async () => {
    sim = await startVendorSim();
    catalog = (await (await fetch(`${sim.urls.admin}/catalog/didi`)).json()) as typeof catalog;
  });
  afterAll(() => sim.close());

  async function list(body: unknown, token: string | null = sim.credentials.didiToken) {
    const response = await fetch(`${sim.urls.didi}/dicloud/i/storage/cimg/list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function walk(regionId: string, limit: number) {
    const items: Array<Record<string, unknown>> = [];
    let count = Infinity;
    for (let start = 0; start < count; start += limit) {
      const { status, body } = await list({ regionId, start, limit });
      expect(status).toBe(200);
      expect(body).toMatchObject({ errno: 0, errmsg: 'ok', requestId: expect.stringMatching(/^[0-9a-f]{32}$/) });
      count = body.data.count;
      items.push(...body.data.items);
    }
    return { items, count };
  }

  it('pages through each region; the pages add up to the catalog', async () => {
    const bj = await walk('bj', 100);
    const gz = await walk('gz', 100);
    expect(bj.count).toBe(130);
    expect(gz.count).toBe(90);
    expect(bj.items.map((item) => item.cimgUuid)).toEqual(catalog.lists.bj);
    expect(gz.items.map((item) => item.cimgUuid)).toEqual(catalog.lists.gz);
    const both = bj.items.filter((item) => gz.items.some((other) => other.cimgUuid === item.cimgUuid));
    expect(both.length).toBeGreaterThanOrEqual(10);
    for (const item of both) expect(item.regions).toEqual(['bj', 'gz']);
    expect(new Set([...bj.items, ...gz.items].map((item) => item.cimgUuid))).toEqual(new Set(catalog.ids));
  });

  it('serves the same pages at another page size', async () => {
    const small = await walk('gz', 7);
    expect(small.items.map((item) => item.cimgUuid)).toEqual(catalog.lists.gz);
  });

  it('caps the page size at 100 without complaint', async () => {
    const { body } = await list({ regionId: 'bj', start: 0, limit: 500 });
    expect(body.errno).toBe(0);
    expect(body.data.items).toHaveLength(100);
    expect(body.data.count).toBe(130);
  });

  it('carries the doc example item in bj, and matches condition.names exactly', async () => {
    const { body } = await list({ regionId: 'bj', start: 0, limit: 10, condition: { names: ['北京02', 'no such image'] } });
    expect(body.data.count).toBe(1);
    expect(body.data.items[0]).toMatchObject({ cimgUuid: '4a48f88391134a01befe88ff98b68a88', cimgId: 'cimg-cy58anir', size: 549899264, type: 'custom' });
    const gz = await list({ regionId: 'gz', start: 0, limit: 10, condition: { names: ['北京02'] } });
    expect(gz.body.data).toEqual({ count: 0, items: [] });
  });

  it('serves items in the documented shape', async () => {
    const { body } = await list({ regionId: 'bj', start: 0, limit: 100 });
    for (const item of body.data.items) {
      expect(item).toMatchObject({
        cimgUuid: expect.stringMatching(/^[0-9a-f]{32}$/),
        cimgId: expect.stringMatching(/^cimg-/),
        name: expect.any(String),
        createTime: expect.any(Number),
        updateTime: expect.any(Number),
        isShared: expect.any(Boolean),
        regions: expect.arrayContaining(['bj']),
        status: expect.stringMatching(/^(Ready|Creating|Error)$/),
        platform: expect.stringMatching(/^(Linux|Windows)$/),
        size: expect.any(Number),
        requirement: { minDiskSize: expect.any(Number) },
      });
    }
    const types = new Set(body.data.items.map((item: { type: string }) => item.type));
    expect(types).toEqual(new Set(['custom', 'standard']));
  });

  it('answers errno 4 with HTTP 200 for a wrong or missing token', async () => {
    for (const token of ['wrong-token', null]) {
      const { status, body } = await list({ regionId: 'bj', start: 0, limit: 10 }, token);
      expect(status).toBe(200);
      expect(body).toMatchObject({ errno: 4, requestId: expect.any(String) });
      expect(body.errmsg).not.toBe('ok');
    }
  });

  it('answers errno 1 for invalid parameters', async () => {
    const invalid: unknown[] = [
      { start: 0, limit: 10 },
      { regionId: 'bj', limit: 10 },
      { regionId: 'bj', start: 0 },
      { regionId: 'sh', start: 0, limit: 10 },
      { regionId: 'bj', start: -1, limit: 10 },
      { regionId: 'bj', start: 0, limit: 0 },
      { regionId: 'bj', start: '0', limit: 10 },
      { regionId: 'bj', start: 0, limit: 10, condition: { names: 'x' } },
      'not json',
    ];
    for (const body of invalid) {
      const answer = await list(body);
      expect(answer.status).toBe(200);
      expect(answer.body.errno).toBe(1);
    }
  });

  it('answers 404 for paths it does not serve', async () => {
    const response = await fetch(`${sim.urls.didi}/dicloud/i/storage/cimg/nothing`, { method: 'POST', headers: { authorization: `Bearer ${sim.credentials.didiToken}` } });
    expect(response.status).toBe(404);
  });
});
