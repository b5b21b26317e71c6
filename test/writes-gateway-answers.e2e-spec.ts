import { getJson, sendJson } from './support/stack';
import { useFakeProvidersSuite } from './support/suite-setup';

// The gateway's write answers over in-memory providers (no vendor behind them): status codes, Location headers,
// operations to poll, read-your-writes, upload details, shares, exports and lookups by id.

describe('write IMAGE_SUB_ROUTES over in-memory providers', () => {
  const suite = useFakeProvidersSuite();
  const { url } = suite;

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
      expect(suite.gateway.logs.join('\n')).not.toContain(prepared.body.secretKey);
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
      const before = suite.fake.calls.getImage ?? 0;
      expect((await getJson(url('/images/fake:large'))).body.sizeBytes).toBe(1.25 * 2 ** 30);
      expect(suite.fake.calls.getImage).toBe(before + 1);
      const missing = await getJson(url('/images/fake:nope'));
      expect([missing.status, missing.body.code]).toEqual([404, 'NOT_FOUND']);
      // Without getImage: the cached catalog, as before.
      expect((await getJson(url('/images/listonly:one'))).body.id).toBe('listonly:one');
    });
  });
});
