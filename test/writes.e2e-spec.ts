import { Image } from '@images/core';
import { RunningSim } from '../apps/vendor-sim/src';
import { CECSTACK_ACCOUNT_ENV, Gateway, SimAdmin, getJson, sendJson, startGateway, startSim } from './support/stack';
import { IMAGE_SUB_ROUTES } from './support/image-routes';
import { downloadMeasuringMemory } from './support/download';

// API.md section 7 end to end: the gateway, the real providers and the vendor simulators.

const STEP_MS = 100;
const GIB = 2 ** 30;
/** Sharing with the account's own tenant is InvalidUserId. */
const OWN_TENANT_ID = CECSTACK_ACCOUNT_ENV.CECSTACK_TENANT_ID;
const STRANGER = '7100000000000000042';

/** Polls `read` until `done` holds (or fails the test after `timeoutMs`). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`condition not met in ${timeoutMs} ms; last: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function expectProblem(answer: { status: number; headers: Headers; body: any }, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body?.code, detail: answer.body?.detail }).toMatchObject({ status, code });
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
}

describe('writes over the simulated vendors', () => {
  let sim: RunningSim;
  let gateway: Gateway;
  let admin: SimAdmin;
  const url = (path: string) => `${gateway.url}${path}`;
  const list = async (query: string): Promise<Image[]> => (await getJson(url(`/images?${query.includes('limit=') ? '' : 'limit=200&'}${query}`))).body.items;
  const byId = (id: string) => getJson(url(`/images/${id}`));

  beforeAll(async () => {
    sim = await startSim({ stepMs: STEP_MS });
    admin = new SimAdmin(sim);
    gateway = await startGateway(sim, { env: { ...CECSTACK_ACCOUNT_ENV } });
  });

  afterAll(async () => {
    await gateway?.close();
    await sim?.close();
  });

  describe('CECSTACK', () => {
    const CREATE = { provider: 'cecstack', diskFormat: 'qcow2', minDiskGiB: 2, minRamMiB: 1024, osType: 'linux', platform: 'CentOS', osVersion: '8.2', architecture: 'x86_64', bits: 64 };
    const ownAvailable = async () => (await list('provider=cecstack&visibility=private&status=available')).filter((image) => !image.name?.startsWith('e2e'));

    it('uploads: create, upload details, the PUT (outside), complete, available; then streams ≥ 1 GiB back with flat memory', async () => {
      const created = await sendJson('POST', url('/images'), { ...CREATE, name: 'e2e upload' });
      expect(created.status).toBe(202);
      expect(created.body.image).toMatchObject({ provider: 'cecstack', name: 'e2e upload', status: 'pending', providerStatus: 'queued', visibility: 'private' });
      const id: string = created.body.image.id;
      expect(created.headers.get('location')).toBe(`/images/${id}`);
      // Read-your-writes: the list shows it at once, as pending.
      expect((await list('provider=cecstack&name=e2e%20upload')).map((image) => [image.id, image.status])).toEqual([[id, 'pending']]);

      const size = GIB + 12_345;
      const prepared = await sendJson('POST', url(`/images/${id}/upload`), { sizeBytes: size });
      expect(prepared.status).toBe(200);
      expect(prepared.headers.get('cache-control')).toBe('no-store');
      expect(prepared.body).toMatchObject({ file: id.slice('cecstack:'.length), bucket: expect.stringMatching(/^iaas-image-/) });
      expect(typeof prepared.body.secretKey).toBe('string');
      expect(gateway.logs.join('\n')).not.toContain(prepared.body.secretKey);

      const completed = await sendJson('POST', url(`/images/${id}/upload/complete`), { result: 'success' });
      expect(completed.status).toBe(202);
      expect(completed.headers.get('location')).toBe(`/images/${id}`);
      const ready = await eventually(() => byId(id), (answer) => answer.body.status === 'available');
      expect(ready.body.sizeBytes).toBe(size);

      const range = await fetch(url(`/images/${id}/file`), { headers: { range: 'bytes=0-99' } });
      expect(range.status).toBe(206);
      expect(range.headers.get('content-range')).toBe(`bytes 0-99/${size}`);
      expect((await range.arrayBuffer()).byteLength).toBe(100);

      const download = await downloadMeasuringMemory(url(`/images/${id}/file`));
      expect(download.status).toBe(200);
      expect(download.headers.get('content-length')).toBe(String(size));
      expect(download.received).toBe(size);
      expect(download.growthMiB).toBeLessThan(64);
    }, 180_000);

    it('refuses an upload larger than the min disk (400) and one into an image that is not queued (409)', async () => {
      const created = await sendJson('POST', url('/images'), { ...CREATE, name: 'e2e small disk', minDiskGiB: 1 });
      const tooLarge = await sendJson('POST', url(`/images/${created.body.image.id}/upload`), { sizeBytes: 2 * GIB });
      expectProblem(tooLarge, 400, 'VALIDATION_FAILED');
      const [active] = await ownAvailable();
      expectProblem(await sendJson('POST', url(`/images/${active.id}/upload`), { sizeBytes: 1000 }), 409, 'CONFLICT');
    });

    it('imports from a URL: pending, then available; an unreachable URL ends failed', async () => {
      const imported = await sendJson('POST', url('/images'), { ...CREATE, name: 'e2e import', fromUrl: 'https://oss.example.com/bucket/centos.qcow2' });
      expect(imported.status).toBe(202);
      expect(imported.body.image.status).toBe('pending');
      const broken = await sendJson('POST', url('/images'), { ...CREATE, name: 'e2e import broken', fromUrl: 'https://nowhere.invalid/x.qcow2' });
      expect((await eventually(() => byId(imported.body.image.id), (a) => a.body.status !== 'pending')).body.status).toBe('available');
      expect((await eventually(() => byId(broken.body.image.id), (a) => a.body.status !== 'pending')).body.status).toBe('failed');
    });

    it('renames with 200, visible at once in the list; refuses a smaller min disk (400)', async () => {
      const [image] = await ownAvailable();
      await list('provider=cecstack');
      const renamed = await sendJson('PATCH', url(`/images/${image.id}`), { name: 'e2e renamed 改名' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: image.id, name: 'e2e renamed 改名' });
      expect((await list('provider=cecstack&name=e2e%20renamed')).map((i) => i.id)).toEqual([image.id]);
      const shrink = await sendJson('PATCH', url(`/images/${image.id}`), { minDiskGiB: 1 });
      if (image.minDiskGiB! > 1) {
        expectProblem(shrink, 400, 'VALIDATION_FAILED');
        expect((await byId(image.id)).body.minDiskGiB).toBe(image.minDiskGiB);
      }
      const grown = await sendJson('PATCH', url(`/images/${image.id}`), { minDiskGiB: image.minDiskGiB! + 10, bits: 64 });
      expect([grown.status, grown.body.minDiskGiB]).toEqual([200, image.minDiskGiB! + 10]);
    });

    it('shares: twice is 409, a stranger cannot be unshared (409), a shared image cannot be deleted (409); unshare, then delete is gone at once', async () => {
      const [, image] = await ownAvailable();
      const shared = await sendJson('POST', url(`/images/${image.id}/shares`), { userIds: [STRANGER] });
      expect(shared.status).toBe(201);
      expect(shared.body.shares).toEqual([expect.objectContaining({ userId: STRANGER, shareId: expect.stringMatching(/^img-share-/) })]);
      expectProblem(await sendJson('POST', url(`/images/${image.id}/shares`), { userIds: [STRANGER] }), 409, 'CONFLICT');
      expect((await getJson(url(`/images/${image.id}/shares`))).body.shares.map((s: { userId: string }) => s.userId)).toEqual([STRANGER]);
      expectProblem(await sendJson('DELETE', url(`/images/${image.id}/shares/7199999999999999999`)), 409, 'CONFLICT');
      expectProblem(await sendJson('DELETE', url(`/images/${image.id}`)), 409, 'CONFLICT');
      expectProblem(await sendJson('POST', url(`/images/${image.id}/shares`), { userIds: [OWN_TENANT_ID] }), 400, 'VALIDATION_FAILED');

      expect((await fetch(url(`/images/${image.id}/shares/${STRANGER}`), { method: 'DELETE' })).status).toBe(204);
      expect((await getJson(url(`/images/${image.id}/shares`))).body.shares).toEqual([]);
      await list('provider=cecstack');
      expect((await fetch(url(`/images/${image.id}`), { method: 'DELETE' })).status).toBe(204);
      expectProblem(await byId(image.id), 404, 'NOT_FOUND');
      expect((await list('provider=cecstack')).some((i) => i.id === image.id)).toBe(false);
    });

    it('refuses to download a public image (409) or one not yet uploaded (409)', async () => {
      const [publicImage] = await list('provider=cecstack&visibility=public&status=available');
      expectProblem(await sendJson('GET', url(`/images/${publicImage.id}/file`)), 409, 'CONFLICT');
      const created = await sendJson('POST', url('/images'), { ...CREATE, name: 'e2e not uploaded' });
      expectProblem(await sendJson('GET', url(`/images/${created.body.image.id}/file`)), 409, 'CONFLICT');
      expectProblem(await sendJson('DELETE', url(`/images/${publicImage.id}`)), 409, 'CONFLICT');
    });

    it('lists export targets and exports to one (202); an unknown bucket is 400', async () => {
      const [, , image] = await ownAvailable();
      const targets = await getJson(url(`/images/${image.id}/export-targets`));
      expect(targets.status).toBe(200);
      expect(targets.body.targets.length).toBeGreaterThanOrEqual(2);
      const { name, azId, cellId } = targets.body.targets[1];
      const exported = await sendJson('POST', url(`/images/${image.id}/export`), { bucket: { name, azId, cellId } });
      expect(exported.status).toBe(202);
      expect(exported.headers.get('location')).toBe(`/images/${image.id}`);
      expectProblem(await sendJson('POST', url(`/images/${image.id}/export`), { bucket: { name: 'no-such-bucket', azId, cellId } }), 400, 'VALIDATION_FAILED');
    });

    it('copies an image shared with the account into it (202, pending, then available); copying an own image is 409', async () => {
      const shared = (await list('provider=cecstack&visibility=shared')).find((image) => image.status === 'available')!;
      const copied = await sendJson('POST', url(`/images/${shared.id}/copy`), { name: 'e2e copy', description: 'my own copy' });
      expect(copied.status).toBe(202);
      expect(copied.body.image).toMatchObject({ name: 'e2e copy', visibility: 'private', status: 'pending' });
      expect(copied.headers.get('location')).toBe(`/images/${copied.body.image.id}`);
      expect((await list('provider=cecstack&name=e2e%20copy')).map((i) => i.id)).toEqual([copied.body.image.id]);
      await eventually(() => byId(copied.body.image.id), (a) => a.body.status === 'available');
      const [own] = await ownAvailable();
      expectProblem(await sendJson('POST', url(`/images/${own.id}/copy`), { name: 'e2e no copy' }), 409, 'CONFLICT');
    });

    it('removes an image shared with the account from it (204, gone at once)', async () => {
      const shared = (await list('provider=cecstack&visibility=shared'))[3];
      expect((await fetch(url(`/images/${shared.id}`), { method: 'DELETE' })).status).toBe(204);
      expect((await list('provider=cecstack&visibility=shared')).some((i) => i.id === shared.id)).toBe(false);
    });

    it('answers 404 for an image the vendor does not have, and 501 where CECSTACK has no such operation', async () => {
      expectProblem(await sendJson('PATCH', url('/images/cecstack:img-doesnotexist00'), { name: 'x' }), 404, 'NOT_FOUND');
      expectProblem(await sendJson('DELETE', url('/images/cecstack:img-doesnotexist00')), 404, 'NOT_FOUND');
      expectProblem(await sendJson('GET', url('/operations/cecstack:job-1')), 501, 'UNSUPPORTED_OPERATION');
    });

    it('needs the tenant and department to create or copy: 501 without them', async () => {
      const bare = await startGateway(sim, { redis: false });
      try {
        const answer = await sendJson('POST', `${bare.url}/images`, { ...CREATE, name: 'e2e no tenant' });
        expectProblem(answer, 501, 'UNSUPPORTED_OPERATION');
        expect(answer.body.provider).toBe('cecstack');
        const providers = (await getJson(`${bare.url}/providers`)).body.providers;
        expect(providers.find((p: { id: string }) => p.id === 'cecstack').capabilities).not.toContain('create');
      } finally {
        await bare.close();
      }
    });
  });

  describe('DiDi', () => {
    const SNAPSHOT_BJ = '3fd352092a3f553cb124223f6a7f09b4';
    const ownReady = async () => (await list('provider=didi&visibility=private&status=available')).filter((image) => !image.name?.startsWith('e2e'));

    it('creates: 202 with Location /operations/…, pending in the list at once, then polled to succeeded and listed available', async () => {
      const created = await sendJson('POST', url('/images'), { provider: 'didi', name: 'e2e didi', fromSnapshot: SNAPSHOT_BJ, region: 'bj' });
      expect(created.status).toBe(202);
      const operation = created.body.operation;
      expect(operation).toMatchObject({ provider: 'didi', status: 'running', id: expect.stringMatching(/^didi:bj\./) });
      expect(created.headers.get('location')).toBe(`/operations/${operation.id}`);
      const pending = await list('provider=didi&name=e2e%20didi');
      expect(pending.map((image) => [image.id, image.status])).toEqual([[operation.resourceId, 'pending']]);
      const finished = await eventually(() => getJson(url(created.headers.get('location')!)), (a) => a.body.status !== 'running');
      expect(finished.body).toMatchObject({ status: 'succeeded', progress: 100, resourceId: operation.resourceId });
      expect((await list('provider=didi&name=e2e%20didi')).map((image) => image.status)).toEqual(['available']);
    });

    it('maps DiDi refusals: an unknown snapshot is 404, a standard image cannot be deleted (403)', async () => {
      expectProblem(await sendJson('POST', url('/images'), { provider: 'didi', name: 'e2e nosnap', fromSnapshot: 'ffffffffffffffffffffffffffffffff' }), 404, 'NOT_FOUND');
      const [standard] = await list('provider=didi&visibility=public');
      expectProblem(await sendJson('DELETE', url(`/images/${standard.id}`)), 403, 'FORBIDDEN');
    });

    it('refuses what DiDi cannot take before calling it: a create without snapshot, a patch of anything but the name, a copy without region', async () => {
      const before = (await admin.stats()).didi.requests;
      const [image] = await ownReady();
      expectProblem(await sendJson('POST', url('/images'), { provider: 'didi', name: 'e2e x' }), 400, 'VALIDATION_FAILED');
      expectProblem(await sendJson('PATCH', url(`/images/${image.id}`), { description: 'new words' }), 400, 'VALIDATION_FAILED');
      expectProblem(await sendJson('POST', url(`/images/${image.id}/copy`), { name: 'e2e x' }), 400, 'VALIDATION_FAILED');
      expect((await admin.stats()).didi.requests).toBe(before);
    });

    it('renames (200 with the image), visible at once', async () => {
      const [image] = await ownReady();
      await list('provider=didi');
      const renamed = await sendJson('PATCH', url(`/images/${image.id}`), { name: 'e2e didi renamed' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: image.id, name: 'e2e didi renamed' });
      expect((await list('provider=didi&name=e2e%20didi%20renamed')).map((i) => i.id)).toEqual([image.id]);
    });

    it('copies to another region (202, an operation to poll)', async () => {
      const source = (await ownReady()).find((image) => image.regions.length === 1 && image.regions[0] === 'bj')!;
      const copied = await sendJson('POST', url(`/images/${source.id}/copy`), { name: 'e2e didi copy', region: 'gz' });
      expect(copied.status).toBe(202);
      expect(copied.headers.get('location')).toBe(`/operations/${copied.body.operation.id}`);
      const done = await eventually(() => getJson(url(copied.headers.get('location')!)), (a) => a.body.status !== 'running');
      expect(done.body.status).toBe('succeeded');
      const [copy] = await list('provider=didi&name=e2e%20didi%20copy');
      expect(copy.regions).toEqual(['gz']);
    });

    it('deletes (204), gone at once', async () => {
      const [, image] = await ownReady();
      await list('provider=didi');
      expect((await fetch(url(`/images/${image.id}`), { method: 'DELETE' })).status).toBe(204);
      expect((await list('provider=didi')).some((i) => i.id === image.id)).toBe(false);
    });

    it('answers 404 for an operation DiDi does not know', async () => {
      expectProblem(await getJson(url('/operations/didi:bj.0123456789abcdef0123456789abcdef')), 404, 'NOT_FOUND');
      expectProblem(await getJson(url('/operations/didi:nonsense')), 404, 'NOT_FOUND');
    });
  });

  describe('501 for every (provider, operation) pair a provider lacks', () => {

    it('lists what each provider supports in GET /providers, and every other write is 501 naming provider and operation', async () => {
      const { body } = await getJson(url('/providers'));
      const supported = Object.fromEntries(body.providers.map((p: { id: string; operations: string[] }) => [p.id, p.operations]));
      expect(supported.didi).toEqual(expect.arrayContaining(['createImage', 'updateImage', 'deleteImage', 'copyImage', 'getOperation']));
      expect(supported.cecstack).toEqual(expect.arrayContaining(['createImage', 'prepareUpload', 'completeUpload', 'downloadImage', 'shareImage', 'exportImage']));
      const images: Record<string, string> = {};
      for (const vendor of ['didi', 'huawei', 'ucloud', 'cecstack']) images[vendor] = (await list(`provider=${vendor}&limit=1`))[0].id;

      const operationOf: Record<string, string> = {
        'PATCH ': 'updateImage', 'DELETE ': 'deleteImage', 'POST /copy': 'copyImage', 'POST /upload': 'prepareUpload', 'POST /upload/complete': 'completeUpload',
        'GET /file': 'downloadImage', 'GET /shares': 'listShares', 'POST /shares': 'shareImage', 'DELETE /shares/u1': 'unshareImage',
        'GET /export-targets': 'listExportTargets', 'POST /export': 'exportImage',
      };
      let checked = 0;
      for (const vendor of ['didi', 'huawei', 'ucloud', 'cecstack']) {
        for (const [method, suffix, requestBody] of IMAGE_SUB_ROUTES) {
          const operation = operationOf[`${method} ${suffix}`];
          if (supported[vendor].includes(operation)) continue;
          const answer = await sendJson(method, url(`/images/${images[vendor]}${suffix}`), requestBody);
          expectProblem(answer, 501, 'UNSUPPORTED_OPERATION');
          expect(answer.body.provider).toBe(vendor);
          expect(answer.body.detail).toContain(`${vendor} does not support ${operation}`);
          checked++;
        }
        if (!supported[vendor].includes('createImage')) {
          expectProblem(await sendJson('POST', url('/images'), { provider: vendor, name: 'x' }), 501, 'UNSUPPORTED_OPERATION');
          checked++;
        }
        if (!supported[vendor].includes('getOperation')) {
          expectProblem(await getJson(url(`/operations/${vendor}:job-1`)), 501, 'UNSUPPORTED_OPERATION');
          checked++;
        }
      }
      // huawei and ucloud write nothing; didi has no files, shares or exports; cecstack has no operations.
      expect(checked).toBeGreaterThanOrEqual(2 * 13 + 7 + 1);
    });
  });
});

describe('read-your-writes across replicas sharing Redis', () => {
  let sim: RunningSim;
  const gateways: Gateway[] = [];
  beforeAll(async () => {
    sim = await startSim({ stepMs: STEP_MS });
    const first = await startGateway(sim, { env: { ...CECSTACK_ACCOUNT_ENV, CACHE_TTL_SECONDS: '300' } });
    gateways.push(first, await startGateway(sim, { keyPrefix: first.keyPrefix, env: { ...CECSTACK_ACCOUNT_ENV, CACHE_TTL_SECONDS: '300' } }));
  });
  afterAll(async () => {
    for (const gateway of gateways.reverse()) await gateway.close();
    await sim.close();
  });

  it('shows a rename and a delete made through one replica at once on the other, whose catalog was warm', async () => {
    const [writer, reader] = gateways;
    const names = async (gateway: Gateway) => (await getJson(`${gateway.url}/images?provider=didi&limit=200`)).body.items as Image[];
    const before = await names(reader);
    await names(writer);
    const [target, doomed] = before.filter((image) => image.visibility === 'private' && image.status === 'available');
    expect((await getJson(`${reader.url}/images?provider=didi&limit=1`)).body.sources[0].cache).toBe('hit');

    expect((await sendJson('PATCH', `${writer.url}/images/${target.id}`, { name: 'renamed-across-replicas' })).status).toBe(200);
    expect((await sendJson('DELETE', `${writer.url}/images/${doomed.id}`)).status).toBeLessThan(300);

    const after = await names(reader);
    expect(after.find((image) => image.id === target.id)?.name).toBe('renamed-across-replicas');
    expect(after.some((image) => image.id === doomed.id)).toBe(false);
  });
});
