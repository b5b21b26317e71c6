import { RunningSim, startVendorSim } from './sim';

describe('CECSTACK simulator: /api/image/v1', () => {
  let sim: RunningSim;
  let catalog: { ids: string[]; lists: Record<'public' | 'private' | 'shared', string[]> };

  beforeAll(async () => {
    sim = await startVendorSim();
    catalog = (await (await fetch(`${sim.urls.admin}/catalog/cecstack`)).json()) as typeof catalog;
  });
  afterAll(() => sim.close());

  function headers(overrides: Record<string, string | null> = {}): Record<string, string> {
    const all: Record<string, string | null> = { authorization: `Bearer ${sim.credentials.cecstackToken}`, 'x-regionid': sim.credentials.cecstackRegionId, ...overrides };
    return Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== null));
  }

  async function get(path: string, overrides: Record<string, string | null> = {}) {
    const response = await fetch(`${sim.urls.cecstack}/api/image/v1${path}`, { headers: headers(overrides) });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function walk(path: string, size: number, extra = '') {
    const list: Array<Record<string, unknown>> = [];
    let total = Infinity;
    for (let current = 1; (current - 1) * size < total; current++) {
      const { status, body } = await get(`${path}?current=${current}&size=${size}${extra}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ code: 'Success', message: '调用成功', requestId: expect.any(String), data: { size, current } });
      total = body.data.total;
      list.push(...body.data.list);
    }
    return { list, total };
  }

  it('pages through the public, private and shared lists; the pages add up to the catalog', async () => {
    const publicImages = await walk('/images', 100);
    const privateImages = await walk('/private-images', 100);
    const shared = await walk('/shared-images', 10);
    expect([publicImages.total, privateImages.total, shared.total]).toEqual([120, 70, 25]);
    expect(publicImages.list.map((image) => image.imageId)).toEqual(catalog.lists.public);
    expect(privateImages.list.map((image) => image.imageId)).toEqual(catalog.lists.private);
    expect(shared.list.map((share) => share.imageId)).toEqual(catalog.lists.shared);
    const union = new Set([...publicImages.list, ...privateImages.list, ...shared.list].map((item) => item.imageId));
    expect(union).toEqual(new Set(catalog.ids));
    for (const image of publicImages.list) expect(image).toMatchObject({ visibility: 'public', createdAt: expect.stringMatching(/\+08:00$/), imageId: expect.stringMatching(/^img-/) });
    for (const image of privateImages.list) expect(image).toMatchObject({ owner: expect.any(String), tenantName: expect.any(String) });
    for (const share of shared.list) expect(share).toMatchObject({ shareId: expect.stringMatching(/^img-share-/), image: { visibility: 'private', owner: expect.any(String) } });
  });

  it('holds the doc examples', async () => {
    const detail = await get('/images/img-kvvfk28fcjc0mt');
    expect(detail.status).toBe(200);
    expect(detail.body.data).toMatchObject({ id: 12, name: 'test', size: 27205947, region: 'ecs49', bootMode: 'UEFI' });
    const filtered = await get('/private-images?current=1&size=10&filter=imageId:eq:img-kvvfk28fcjc0mt');
    expect(filtered.body.data.total).toBe(1);
    expect(filtered.body.data.list[0]).toMatchObject({ owner: '7074927169066926081', tenantName: 'test' });
    expect(catalog.lists.shared).toContain('img-2fpe4gppddvq8c');
  });

  it('filters private images by name:lk and imageId:eq, joined by |', async () => {
    const byName = await walk('/private-images', 100, `&filter=${encodeURIComponent('name:lk:GIS|')}`);
    expect(byName.total).toBeGreaterThan(0);
    for (const image of byName.list) expect(String(image.name).toLowerCase()).toContain('gis');
    const target = catalog.lists.private[3];
    const both = await get(`/private-images?current=1&size=10&filter=${encodeURIComponent(`name:lk:|imageId:eq:${target}`)}`);
    expect(both.body.data.list.map((image: { imageId: string }) => image.imageId)).toEqual([target]);
    expect((await get('/private-images?current=1&size=10&filter=owner:eq:x')).body.code).toBe('IMG.InvalidParameter');
  });

  it('orders shared images by createdAt:desc', async () => {
    const { list } = await walk('/shared-images', 100, '&orderBy=createdAt:desc');
    const times = list.map((share) => Date.parse(String(share.createdAt)));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('caps size at 100', async () => {
    const { body } = await get('/images?current=1&size=1000');
    expect(body.data.list).toHaveLength(100);
    expect(body.data.total).toBe(120);
  });

  it('answers the detail of a shared image, and 400 IMG.DBGet.NoData for an unknown id', async () => {
    const shared = await get(`/images/${catalog.lists.shared[1]}`);
    expect(shared.body.data.imageId).toBe(catalog.lists.shared[1]);
    const missing = await get('/images/img-doesnotexist00');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ requestId: expect.any(String), code: 'IMG.DBGet.NoData', message: '资源不存在', data: null });
  });

  it('answers 400 IMG.InvalidParameter for missing or invalid paging', async () => {
    for (const query of ['', '?current=1', '?size=10', '?current=0&size=10', '?current=1&size=0', '?current=a&size=10']) {
      const { status, body } = await get(`/images${query}`);
      expect(status).toBe(400);
      expect(body.code).toBe('IMG.InvalidParameter');
    }
  });

  it('answers 400 IMG.InvalidParameter without x-regionid or with another region', async () => {
    for (const region of [null, 'region9']) {
      const { status, body } = await get('/images?current=1&size=10', { 'x-regionid': region });
      expect(status).toBe(400);
      expect(body.code).toBe('IMG.InvalidParameter');
    }
  });

  it('answers 400 IMG.OperationDenied.AuthFail for a wrong or missing token', async () => {
    for (const authorization of [null, 'Bearer wrong', sim.credentials.cecstackToken]) {
      const { status, body } = await get('/images?current=1&size=10', { authorization });
      expect(status).toBe(400);
      expect(body).toEqual({ code: 'IMG.OperationDenied.AuthFail', message: '鉴权入参异常，请检查参数', requestId: expect.any(String), data: null });
    }
  });
});
