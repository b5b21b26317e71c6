import { CECSTACK_ACCOUNT_ENV, getJson, sendJson, startGateway } from './support/stack';
import { downloadMeasuringMemory } from './support/download';
import { eventually, expectProblem, useVendorWritesSuite } from './support/suite-setup';

// API.md section 7 end to end for CECSTACK (uploads, downloads, imports, renames, shares, exports, copies):
// the gateway, the real provider and the vendor simulator.

const GIB = 2 ** 30;
/** Sharing with the account's own tenant is InvalidUserId. */
const OWN_TENANT_ID = CECSTACK_ACCOUNT_ENV.CECSTACK_TENANT_ID;
const STRANGER = '7100000000000000042';

describe('writes over the simulated vendors', () => {
  const suite = useVendorWritesSuite();
  const { url, list, byId } = suite;

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
      expect(suite.gateway.logs.join('\n')).not.toContain(prepared.body.secretKey);

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
      // The PUT (1.5) has no description: refused, rather than dropped behind a 200.
      expectProblem(await sendJson('PATCH', url(`/images/${image.id}`), { description: 'new words' }), 400, 'VALIDATION_FAILED');
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
      const bare = await startGateway(suite.sim, { redis: false });
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
});
