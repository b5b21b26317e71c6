import { request as httpRequest } from 'node:http';
import { GatewayError } from '@images/core';
import { RunningSim } from '../apps/vendor-sim/src';
import { fakeRegistrations, FakeProvider, ListOnlyProvider } from './support/fake-provider';
import { Gateway, getJson, sendJson, startGateway, startSim } from './support/stack';
import { IMAGE_SUB_ROUTES } from './support/image-routes';
import { downloadMeasuringMemory } from './support/download';

// The gateway's write mechanics over in-memory providers (no vendor behind them): routing, answers, 404/501,
// validation before any call, read-your-writes, the file stream, idempotency and the OpenAPI document.

const WRITE_CALLS = (fake: FakeProvider) => Object.entries(fake.calls).filter(([name]) => !['getImage', 'listShares', 'listExportTargets', 'getOperation', 'downloadImage'].includes(name)).reduce((sum, [, n]) => sum + n, 0);

describe('write IMAGE_SUB_ROUTES over in-memory providers', () => {
  let sim: RunningSim;
  let gateway: Gateway;
  let fake: FakeProvider;
  let listOnly: ListOnlyProvider;

  beforeAll(async () => {
    sim = await startSim();
    const { registrations, instances } = fakeRegistrations();
    gateway = await startGateway(sim, { registrations, env: { FAKE_PROVIDERS: '1' } });
    fake = instances.fake!;
    listOnly = instances.listOnly!;
  });

  afterAll(async () => {
    await gateway?.close();
    await sim?.close();
  });

  const url = (path: string) => `${gateway.url}${path}`;

  describe('answers', () => {
    it('creates with 202, the operation and its Location, then polls the operation', async () => {
      const created = await sendJson('POST', url('/images'), { provider: 'fake', name: 'web 01' });
      expect(created.status).toBe(202);
      expect(created.body.operation).toMatchObject({ provider: 'fake', status: 'running' });
      expect(created.body.image).toMatchObject({ name: 'web 01', status: 'pending' });
      expect(created.headers.get('location')).toBe(`/operations/${created.body.operation.id}`);
      const polled = await getJson(url(created.headers.get('location')!));
      expect(polled.status).toBe(200);
      expect(polled.body).toMatchObject({ id: created.body.operation.id, status: 'succeeded', progress: 100 });
    });

    it('creates synchronously with 201 and the image as Location', async () => {
      const created = await sendJson('POST', url('/images'), { provider: 'fake', name: 'sync-image', description: 'sync' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ provider: 'fake', name: 'sync-image', status: 'available' });
      expect(created.headers.get('location')).toBe(`/images/${created.body.id}`);
    });

    it('shows a created image in the list at once (the catalog is invalidated before the answer)', async () => {
      await getJson(url('/images?provider=fake&limit=200'));
      const created = await sendJson('POST', url('/images'), { provider: 'fake', name: 'fresh-one' });
      const list = await getJson(url('/images?provider=fake&limit=200'));
      const listed = list.body.items.find((image: { id: string }) => image.id === created.body.image.id);
      expect(listed).toMatchObject({ name: 'fresh-one', status: 'pending' });
    });

    it('renames with 200 and the new name is visible at once, in the list and by id', async () => {
      await getJson(url('/images?provider=fake&limit=200'));
      const patched = await sendJson('PATCH', url('/images/fake:small'), { name: 'small renamed' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ id: 'fake:small', name: 'small renamed' });
      const list = await getJson(url('/images?provider=fake&name=small%20renamed'));
      expect(list.body.items.map((image: { id: string }) => image.id)).toEqual(['fake:small']);
      expect((await getJson(url('/images/fake:small'))).body.name).toBe('small renamed');
    });

    it('deletes with 204 and the image is gone at once', async () => {
      const created = await sendJson('POST', url('/images'), { provider: 'fake', name: 'doomed', description: 'sync' });
      await getJson(url('/images?provider=fake&limit=200'));
      const deleted = await fetch(url(`/images/${created.body.id}`), { method: 'DELETE' });
      expect(deleted.status).toBe(204);
      expect(await deleted.text()).toBe('');
      expect((await getJson(url(`/images/${created.body.id}`))).status).toBe(404);
      const list = await getJson(url('/images?provider=fake&limit=200'));
      expect(list.body.items.some((image: { id: string }) => image.id === created.body.id)).toBe(false);
    });

    it('copies with 202 and the new image as Location when there is no job', async () => {
      const copied = await sendJson('POST', url('/images/fake:shared-one/copy'), { name: 'my copy' });
      expect(copied.status).toBe(202);
      expect(copied.body.operation).toBeNull();
      expect(copied.headers.get('location')).toBe(`/images/${copied.body.image.id}`);
    });

    it('hands out upload details with no-store and never logs them', async () => {
      const prepared = await sendJson('POST', url('/images/fake:small/upload'), { sizeBytes: 1000 });
      expect(prepared.status).toBe(200);
      expect(prepared.headers.get('cache-control')).toBe('no-store');
      expect(prepared.body.secretKey).toMatch(/^fake-secret-/);
      expect(gateway.logs.join('\n')).not.toContain(prepared.body.secretKey);
      const completed = await sendJson('POST', url('/images/fake:small/upload/complete'), { result: 'success', uploadId: prepared.body.uploadId });
      expect(completed.status).toBe(202);
      expect(completed.headers.get('location')).toBe('/images/fake:small');
    });

    it('lists, adds and removes shares', async () => {
      expect((await getJson(url('/images/fake:small/shares'))).body).toEqual({ shares: [] });
      const shared = await sendJson('POST', url('/images/fake:small/shares'), { userIds: ['u1', 'u2'] });
      expect(shared.status).toBe(201);
      expect(shared.headers.get('location')).toBe('/images/fake:small/shares');
      expect(shared.body.shares.map((s: { userId: string }) => s.userId)).toEqual(['u1', 'u2']);
      const removed = await fetch(url('/images/fake:small/shares/u1'), { method: 'DELETE' });
      expect(removed.status).toBe(204);
      expect((await getJson(url('/images/fake:small/shares'))).body.shares.map((s: { userId: string }) => s.userId)).toEqual(['u2']);
      const again = await sendJson('DELETE', url('/images/fake:small/shares/u1'));
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toContain('application/problem+json');
    });

    it('lists export targets and exports to one', async () => {
      const targets = await getJson(url('/images/fake:small/export-targets'));
      expect(targets.body).toEqual({ targets: [{ name: 'bucket-a', azId: 'AZ0', cellId: 'c1' }] });
      const exported = await sendJson('POST', url('/images/fake:small/export'), { bucket: targets.body.targets[0] });
      expect(exported.status).toBe(202);
    });

    it('looks an image up with the provider’s getImage when it has one, and 404s when it answers null', async () => {
      const before = fake.calls.getImage ?? 0;
      expect((await getJson(url('/images/fake:large'))).body.sizeBytes).toBe(1.25 * 2 ** 30);
      expect(fake.calls.getImage).toBe(before + 1);
      const missing = await getJson(url('/images/fake:nope'));
      expect([missing.status, missing.body.code]).toEqual([404, 'NOT_FOUND']);
      // Without getImage: the cached catalog, as before.
      expect((await getJson(url('/images/listonly:one'))).body.id).toBe('listonly:one');
    });
  });

  describe('routing', () => {
    it.each(IMAGE_SUB_ROUTES)('%s /images/{id}%s: 404 for an unknown provider or a malformed id', async (method, suffix, body) => {
      for (const id of ['nosuch:img-1', 'no-colon']) {
        const answer = await sendJson(method, url(`/images/${id}${suffix}`), body);
        expect([answer.status, answer.body.code]).toEqual([404, 'NOT_FOUND']);
      }
    });

    it.each(IMAGE_SUB_ROUTES)('%s /images/{id}%s: 501 naming provider and operation where the provider has none', async (method, suffix, body) => {
      const answer = await sendJson(method, url(`/images/listonly:one${suffix}`), body);
      expect(answer.status).toBe(501);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'UNSUPPORTED_OPERATION', provider: 'listonly' });
      expect(answer.body.detail).toMatch(/^listonly does not support \w+ \(capability "\w+"\)/);
    });

    it('answers 501 for a create at a provider without one, and 400 for a provider that is not enabled', async () => {
      const unsupported = await sendJson('POST', url('/images'), { provider: 'listonly', name: 'x' });
      expect([unsupported.status, unsupported.body.code]).toEqual([501, 'UNSUPPORTED_OPERATION']);
      expect(unsupported.body.detail).toContain('createImage');
      const unknown = await sendJson('POST', url('/images'), { provider: 'aws', name: 'x' });
      expect([unknown.status, unknown.body.errors[0].field]).toEqual([400, 'provider']);
    });

    it('answers GET /operations/{id}: 404 for an unknown provider, 501 for one without operations', async () => {
      expect((await getJson(url('/operations/nosuch:job-1'))).status).toBe(404);
      expect((await getJson(url('/operations/listonly:job-1'))).status).toBe(501);
      expect((await getJson(url('/operations/fake:unknown'))).status).toBe(404);
    });

    it('lists in GET /providers what each provider implements', async () => {
      const { body } = await getJson(url('/providers'));
      const byId = Object.fromEntries(body.providers.map((p: { id: string }) => [p.id, p]));
      expect(byId.listonly).toMatchObject({ capabilities: ['list'], operations: [] });
      expect([...byId.fake.capabilities].sort()).toEqual(['copy', 'create', 'delete', 'download', 'export', 'get', 'list', 'operations', 'share', 'update', 'upload']);
      expect(byId.fake.operations).toHaveLength(13);
      expect(listOnly.capabilities).toEqual(['list']);
    });
  });

  describe('validation before any provider call', () => {
    const cases: Array<[string, string, string, unknown, string]> = [
      ['a name with a slash', 'POST', '/images', { provider: 'fake', name: 'a/b' }, 'name'],
      ['a name starting with a space', 'POST', '/images', { provider: 'fake', name: ' a' }, 'name'],
      ['a name ending with a space', 'POST', '/images', { provider: 'fake', name: 'a ' }, 'name'],
      ['a name of 129 characters', 'POST', '/images', { provider: 'fake', name: 'a'.repeat(129) }, 'name'],
      ['an empty name', 'POST', '/images', { provider: 'fake', name: '' }, 'name'],
      ['a number as name', 'POST', '/images', { provider: 'fake', name: 5 }, 'name'],
      ['no name', 'POST', '/images', { provider: 'fake' }, 'name'],
      ['no provider', 'POST', '/images', { name: 'a' }, 'provider'],
      ['a one-letter description', 'POST', '/images', { provider: 'fake', name: 'a', description: 'x' }, 'description'],
      ['a 257-letter description', 'POST', '/images', { provider: 'fake', name: 'a', description: 'x'.repeat(257) }, 'description'],
      ['a fractional minDiskGiB', 'POST', '/images', { provider: 'fake', name: 'a', minDiskGiB: 1.5 }, 'minDiskGiB'],
      ['a string minRamMiB', 'POST', '/images', { provider: 'fake', name: 'a', minRamMiB: '512' }, 'minRamMiB'],
      ['a zero minDiskGiB', 'POST', '/images', { provider: 'fake', name: 'a', minDiskGiB: 0 }, 'minDiskGiB'],
      ['bits 48', 'POST', '/images', { provider: 'fake', name: 'a', bits: 48 }, 'bits'],
      ['an unknown osType', 'POST', '/images', { provider: 'fake', name: 'a', osType: 'solaris' }, 'osType'],
      ['an unknown architecture', 'POST', '/images', { provider: 'fake', name: 'a', architecture: 'x86' }, 'architecture'],
      ['an unknown visibility', 'POST', '/images', { provider: 'fake', name: 'a', visibility: 'everyone' }, 'visibility'],
      ['a null field', 'POST', '/images', { provider: 'fake', name: 'a', description: null }, 'description'],
      ['an unknown key', 'POST', '/images', { provider: 'fake', name: 'a', colour: 'red' }, 'colour'],
      ['an unknown key in a data disk', 'POST', '/images', { provider: 'fake', name: 'a', fromUrl: 'https://h/x', dataDisks: [{ url: 'https://h/d', minDiskGiB: 1, x: 1 }] }, 'dataDisks.0.x'],
      ['data disks without fromUrl', 'POST', '/images', { provider: 'fake', name: 'a', dataDisks: [{ url: 'https://h/d', minDiskGiB: 1 }] }, 'dataDisks'],
      ['a fromUrl that is no URL', 'POST', '/images', { provider: 'fake', name: 'a', fromUrl: 'not a url' }, 'fromUrl'],
      ['an empty patch', 'PATCH', '/images/fake:small', {}, 'body'],
      ['a patch with an unknown key', 'PATCH', '/images/fake:small', { size: 3 }, 'size'],
      ['a patch with a bad name', 'PATCH', '/images/fake:small', { name: '<b>' }, 'name'],
      ['a copy without name', 'POST', '/images/fake:small/copy', {}, 'name'],
      ['sizeBytes 0', 'POST', '/images/fake:small/upload', { sizeBytes: 0 }, 'sizeBytes'],
      ['sizeBytes fractional', 'POST', '/images/fake:small/upload', { sizeBytes: 1.5 }, 'sizeBytes'],
      ['an upload result of maybe', 'POST', '/images/fake:small/upload/complete', { result: 'maybe' }, 'result'],
      ['no user ids', 'POST', '/images/fake:small/shares', { userIds: [] }, 'userIds'],
      ['51 user ids', 'POST', '/images/fake:small/shares', { userIds: Array.from({ length: 51 }, (_, i) => `u${i}`) }, 'userIds'],
      ['a repeated user id', 'POST', '/images/fake:small/shares', { userIds: ['u1', 'u1'] }, 'userIds'],
      ['a user id with a space', 'POST', '/images/fake:small/shares', { userIds: ['u 1'] }, 'userIds'],
      ['a bucket without cellId', 'POST', '/images/fake:small/export', { bucket: { name: 'b', azId: 'a' } }, 'bucket.cellId'],
      ['no bucket', 'POST', '/images/fake:small/export', {}, 'bucket'],
      ['a user id path with a space', 'DELETE', '/images/fake:small/shares/u%201', undefined, 'userId'],
    ];

    it.each(cases)('answers 400 VALIDATION_FAILED for %s', async (_label, method, path, body, field) => {
      const before = WRITE_CALLS(fake);
      const answer = await sendJson(method, url(path), body);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.code).toBe('VALIDATION_FAILED');
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(WRITE_CALLS(fake)).toBe(before);
    });

    it('accepts names of letters, digits, Chinese characters, spaces, "-", "." and "_"', async () => {
      const created = await sendJson('POST', url('/images'), { provider: 'fake', name: '政务云 web-01.v2_最终', description: 'sync' });
      expect(created.status).toBe(201);
      expect(created.body.name).toBe('政务云 web-01.v2_最终');
    });

    it('refuses a body with a __proto__ key (prototype poisoning) as a validation problem', async () => {
      const answer = await sendJson('POST', url('/images'), '{"provider":"fake","name":"a","__proto__":{"x":1}}');
      expect([answer.status, answer.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    });

    it('refuses a body that is not JSON', async () => {
      const response = await fetch(url('/images'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"provider":' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET /images/{id}/file', () => {
    it('passes Range to the provider and its 206 and headers back', async () => {
      const response = await fetch(url('/images/fake:small/file'), { headers: { range: 'bytes=100-199' } });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe('bytes 100-199/1024');
      expect(response.headers.get('content-length')).toBe('100');
      expect(response.headers.get('accept-ranges')).toBe('bytes');
      expect(response.headers.get('content-type')).toBe('application/x-raw-disk-image');
      expect((await response.arrayBuffer()).byteLength).toBe(100);
    });

    it('streams a 1.25 GiB file without holding it: memory stays within a few tens of MiB', async () => {
      const size = 1.25 * 2 ** 30;
      const download = await downloadMeasuringMemory(url('/images/fake:large/file'));
      expect(download.status).toBe(200);
      expect(download.headers.get('content-length')).toBe(String(size));
      expect(download.received).toBe(size);
      expect(download.growthMiB).toBeLessThan(64);
    }, 120_000);

    it('destroys the provider stream when the caller goes away', async () => {
      const before = fake.files.length;
      await new Promise<void>((resolve, reject) => {
        const request = httpRequest(url('/images/fake:large/file'), (response) => {
          let seen = 0;
          response.on('data', (chunk: Buffer) => {
            seen += chunk.length;
            if (seen > 4 * 2 ** 20) {
              request.destroy();
              resolve();
            }
          });
        });
        request.on('error', () => undefined);
        request.on('close', () => resolve());
        request.end();
        setTimeout(() => reject(new Error('no data')), 10_000).unref();
      });
      const file = fake.files[before];
      for (let i = 0; i < 100 && !file.destroyed; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(file.destroyed).toBe(true);
      expect(file.destroyedEarly).toBe(true);
      expect(file.sent).toBeLessThan(1.25 * 2 ** 30);
    });

    it('answers a HEAD with the headers only, without reading the file', async () => {
      const before = fake.files.length;
      const response = await fetch(url('/images/fake:large/file'), { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(1.25 * 2 ** 30));
      const file = fake.files[before];
      expect(file.sent).toBeLessThan(2 ** 20);
    });
  });

  describe('Idempotency-Key (in-process store: this gateway runs with Redis, see idempotency e2e for both)', () => {
    it('answers a retry with the first answer and no second provider call', async () => {
      const key = `k-${Date.now()}-1`;
      const body = { provider: 'fake', name: 'idem-one' };
      const first = await sendJson('POST', url('/images'), body, { 'idempotency-key': key });
      const calls = fake.calls.createImage;
      const retry = await sendJson('POST', url('/images'), { name: 'idem-one', provider: 'fake' }, { 'idempotency-key': key });
      expect(fake.calls.createImage).toBe(calls);
      expect(retry.status).toBe(first.status);
      expect(retry.headers.get('location')).toBe(first.headers.get('location'));
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(first.headers.get('idempotent-replayed')).toBeNull();
    });

    it('answers 409 for the same key with another body', async () => {
      const key = `k-${Date.now()}-2`;
      await sendJson('POST', url('/images'), { provider: 'fake', name: 'idem-two' }, { 'idempotency-key': key });
      const other = await sendJson('POST', url('/images'), { provider: 'fake', name: 'idem-three' }, { 'idempotency-key': key });
      expect([other.status, other.body.code]).toEqual([409, 'CONFLICT']);
      expect(other.body.detail).toContain('another request');
    });

    it('answers 409 for a duplicate while the first is in flight', async () => {
      const key = `k-${Date.now()}-3`;
      fake.controls.writeDelayMs = 300;
      try {
        const body = { provider: 'fake', name: 'idem-slow' };
        const first = sendJson('POST', url('/images'), body, { 'idempotency-key': key });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const duplicate = await sendJson('POST', url('/images'), body, { 'idempotency-key': key });
        expect([duplicate.status, duplicate.body.code]).toEqual([409, 'CONFLICT']);
        expect(duplicate.body.detail).toContain('still in progress');
        expect((await first).status).toBe(202);
      } finally {
        fake.controls.writeDelayMs = 0;
      }
    });

    it('keeps no failed answer: a retry after a failure runs again', async () => {
      const key = `k-${Date.now()}-4`;
      fake.controls.failNext = new GatewayError('UPSTREAM_UNAVAILABLE', { provider: 'fake', detail: 'down for a moment' });
      const calls = fake.calls.createImage ?? 0;
      const failed = await sendJson('POST', url('/images'), { provider: 'fake', name: 'idem-retry' }, { 'idempotency-key': key });
      expect(failed.status).toBe(503);
      const retried = await sendJson('POST', url('/images'), { provider: 'fake', name: 'idem-retry' }, { 'idempotency-key': key });
      expect(retried.status).toBe(202);
      expect(fake.calls.createImage).toBe(calls + 2);
    });

    it('never keeps upload details: a retry of upload-prepare runs again', async () => {
      const key = `k-${Date.now()}-5`;
      const first = await sendJson('POST', url('/images/fake:small/upload'), { sizeBytes: 77 }, { 'idempotency-key': key });
      const second = await sendJson('POST', url('/images/fake:small/upload'), { sizeBytes: 77 }, { 'idempotency-key': key });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.body.uploadId).not.toBe(first.body.uploadId);
      expect(second.headers.get('idempotent-replayed')).toBeNull();
      const other = await sendJson('POST', url('/images/fake:small/upload'), { sizeBytes: 78 }, { 'idempotency-key': key });
      expect(other.status).toBe(409);
    });

    it('refuses a malformed key', async () => {
      const answer = await sendJson('POST', url('/images'), { provider: 'fake', name: 'x' }, { 'idempotency-key': 'k'.repeat(256) });
      expect([answer.status, answer.body.errors[0].field]).toEqual([400, 'Idempotency-Key']);
    });
  });

  describe('OpenAPI', () => {
    it('documents every write route, its bodies, and problems as application/problem+json', async () => {
      const { body: doc } = await getJson(url('/docs-json'));
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
        '/images', '/images/{id}', '/images/{id}/copy', '/images/{id}/upload', '/images/{id}/upload/complete', '/images/{id}/file',
        '/images/{id}/shares', '/images/{id}/shares/{userId}', '/images/{id}/export-targets', '/images/{id}/export', '/operations/{id}',
      ]));
      expect(Object.keys(doc.paths['/images'])).toEqual(expect.arrayContaining(['get', 'post']));
      expect(Object.keys(doc.paths['/images/{id}'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
      expect(doc.paths['/images'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CreateImageBody');
      expect(doc.components.schemas.CreateImageBody.required).toEqual(expect.arrayContaining(['provider', 'name']));
      expect(doc.paths['/images'].post.responses['202'].content['application/json'].schema.$ref).toBe('#/components/schemas/WriteAcceptedDto');
      expect(doc.paths['/images'].post.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
      let problems = 0;
      for (const [path, item] of Object.entries<Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>(doc.paths)) {
        for (const operation of Object.values(item)) {
          for (const [status, response] of Object.entries(operation.responses ?? {})) {
            if (!/^[45]/.test(status) || path.startsWith('/health')) continue;
            expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
            problems++;
          }
        }
      }
      expect(problems).toBeGreaterThan(50);
    });
  });
});
