import { JsonResponse, getJson, sendJson } from './support/stack';
import { eventually, expectProblem, useVendorWritesSuite } from './support/suite-setup';

// API.md section 7 end to end for DiDi (creates from snapshots, renames, copies across regions, deletes, operations):
// the gateway, the real provider and the vendor simulator.

describe('writes over the simulated vendors', () => {
  const suite = useVendorWritesSuite();
  const { url, list } = suite;

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
      const before = (await suite.admin.stats()).didi.requests;
      const [image] = await ownReady();
      expectProblem(await sendJson('POST', url('/images'), { provider: 'didi', name: 'e2e x' }), 400, 'VALIDATION_FAILED');
      expectProblem(await sendJson('PATCH', url(`/images/${image.id}`), { description: 'new words' }), 400, 'VALIDATION_FAILED');
      expectProblem(await sendJson('POST', url(`/images/${image.id}/copy`), { name: 'e2e x' }), 400, 'VALIDATION_FAILED');
      expect((await suite.admin.stats()).didi.requests).toBe(before);
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

    it('ends a create whose image is deleted while being built as failed, with the reason as a problem (no request members)', async () => {
      // The build takes two simulator steps (200 ms): on a busy machine the DELETE may land after it, which proves
      // nothing, so the race is run again (at most 5 times) until the DELETE lands while the image is being built.
      let finished: JsonResponse | undefined;
      for (let attempt = 0; attempt < 5 && finished?.body.status !== 'failed'; attempt += 1) {
        const created = await sendJson('POST', url('/images'), { provider: 'didi', name: 'e2e doomed', fromSnapshot: SNAPSHOT_BJ, region: 'bj' });
        expect(created.status).toBe(202);
        expect((await fetch(url(`/images/${created.body.operation.resourceId}`), { method: 'DELETE' })).status).toBeLessThan(300);
        finished = await eventually(() => getJson(url(created.headers.get('location')!)), (a) => a.body.status !== 'running');
        expect(['failed', 'succeeded']).toContain(finished.body.status);
      }
      expect(finished!.body).toMatchObject({ status: 'failed', error: { type: expect.stringMatching(/^\/problems\//), code: expect.any(String), retryable: expect.any(Boolean) } });
      // The request problem's members belong to the poll's own answer, not to the job's failure.
      expect(finished!.body.error).not.toHaveProperty('requestId');
    });

    it('answers 404 for an operation DiDi does not know', async () => {
      expectProblem(await getJson(url('/operations/didi:bj.0123456789abcdef0123456789abcdef')), 404, 'NOT_FOUND');
      expectProblem(await getJson(url('/operations/didi:nonsense')), 404, 'NOT_FOUND');
    });
  });
});
