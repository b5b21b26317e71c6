import { createHash } from 'node:crypto';
import { RunningSim, startVendorSim } from './sim';

// The signer here is written from the vendor rule on its own: sorted keyvalue pairs + private key, SHA-1.
function sign(params: Record<string, string | number>, privateKey: string): string {
  const payload = Object.keys(params)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map((key) => `${key}${params[key]}`)
    .join('');
  return createHash('sha1').update(payload + privateKey).digest('hex');
}

describe('UCloud simulator: Action=GetUvodnImage', () => {
  let sim: RunningSim;
  let catalogIds: string[];

  beforeAll(async () => {
    sim = await startVendorSim();
    catalogIds = ((await (await fetch(`${sim.urls.admin}/catalog/ucloud`)).json()) as { ids: string[] }).ids;
  });
  afterAll(() => sim.close());

  function signed(params: Record<string, string | number>, privateKey = sim.credentials.ucloudPrivateKey): Record<string, string> {
    const all = { Action: 'GetUvodnImage', PublicKey: sim.credentials.ucloudPublicKey, ...params };
    return Object.fromEntries(Object.entries({ ...all, Signature: sign(all, privateKey) }).map(([k, v]) => [k, String(v)]));
  }

  async function get(params: Record<string, string>) {
    const response = await fetch(`${sim.urls.ucloud}/?${new URLSearchParams(params)}`);
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  }

  async function postForm(params: Record<string, string>) {
    const response = await fetch(`${sim.urls.ucloud}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  }

  async function postJson(params: Record<string, unknown>) {
    const response = await fetch(`${sim.urls.ucloud}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  }

  it('pages through the catalog over GET; the pages add up to it', async () => {
    const ids: string[] = [];
    let total = Infinity;
    for (let offset = 0; offset < total; offset += 100) {
      const { status, headers, body } = await get(signed({ Offset: offset, Limit: 100 }));
      expect(status).toBe(200);
      expect(headers.get('x-ucloud-request-uuid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(body).toMatchObject({ Action: 'GetUvodnImageResponse', RetCode: 0 });
      total = body.TotalCount;
      ids.push(...body.ImageList.map((image: { ImageId: string }) => image.ImageId));
    }
    expect(total).toBe(160);
    expect(ids).toEqual(catalogIds);
  });

  it('answers the same over a POST form and a POST JSON body (numbers signed in their string form)', async () => {
    const form = await postForm(signed({ Offset: 20, Limit: 30, ProjectId: 'org-sim' }));
    expect(form.body.RetCode).toBe(0);
    expect(form.body.ImageList.map((image: { ImageId: string }) => image.ImageId)).toEqual(catalogIds.slice(20, 50));
    const params = { Action: 'GetUvodnImage', PublicKey: sim.credentials.ucloudPublicKey, Offset: 20, Limit: 30 };
    const json = await postJson({ ...params, Signature: sign(params, sim.credentials.ucloudPrivateKey) });
    expect(json.body.RetCode).toBe(0);
    expect(json.body.ImageList).toEqual(form.body.ImageList);
  });

  it('defaults Limit to 20 and caps it at 100', async () => {
    expect((await get(signed({}))).body.ImageList).toHaveLength(20);
    expect((await get(signed({ Limit: 1000 }))).body.ImageList).toHaveLength(100);
  });

  it('holds the doc example, ImageType filters, and numbers arrive as strings and as numbers', async () => {
    const { body } = await get(signed({ Limit: 100 }));
    expect(body.ImageList[0]).toEqual({ ImageId: 'uodn-image-xxx', ImageName: 'CentOS 7.2 64位', ImageType: 1, OcType: 'CentOs' });
    const types = body.ImageList.map((image: { ImageType: unknown }) => typeof image.ImageType);
    expect(new Set(types)).toEqual(new Set(['string', 'number']));
    const custom = await get(signed({ ImageType: '3', Limit: 100 }));
    expect(custom.body.TotalCount).toBeGreaterThan(20);
    for (const image of custom.body.ImageList) expect(String(image.ImageType)).toBe('3');
  });

  it('answers RetCode 171 Signature VerifyAC Error for a bad signature', async () => {
    const { status, body } = await get(signed({ Limit: 10 }, 'not-the-private-key'));
    expect(status).toBe(200);
    expect(body).toEqual({ Action: 'GetUvodnImageResponse', RetCode: 171, Message: 'Signature VerifyAC Error' });
    const tampered = { ...signed({ Limit: 10 }), Limit: '11' };
    expect((await get(tampered)).body.RetCode).toBe(171);
  });

  it('answers RetCode 172 for an unknown PublicKey', async () => {
    const all = { Action: 'GetUvodnImage', PublicKey: 'someone-else' };
    const { status, body } = await get({ ...all, Signature: sign(all, sim.credentials.ucloudPrivateKey) });
    expect(status).toBe(200);
    expect(body.RetCode).toBe(172);
  });

  it('answers 160 without Action, 161 for an unknown Action, 170 without Signature', async () => {
    expect((await get({ PublicKey: sim.credentials.ucloudPublicKey })).body.RetCode).toBe(160);
    expect((await get(signed({ Action: 'DescribeUHostInstance' }))).body.RetCode).toBe(161);
    expect((await get({ Action: 'GetUvodnImage', PublicKey: sim.credentials.ucloudPublicKey })).body.RetCode).toBe(170);
  });

  it('answers 230 for an invalid Offset, Limit or ImageType', async () => {
    const invalid: Array<Record<string, string>> = [{ Offset: '-1' }, { Limit: 'x' }, { Offset: '1.5' }, { ImageType: '9' }];
    for (const params of invalid) {
      const { status, body } = await get(signed(params));
      expect(status).toBe(200);
      expect(body.RetCode).toBe(230);
      expect(body.Message).toEqual(expect.any(String));
    }
  });
});
