import { createServer } from 'node:net';
import type { RedisClient } from '@images/core';
import { RunningSim } from '../apps/vendor-sim/src';
import { deleteKeysWithPrefix, keysMatching, testRedisClient, uniquePrefix } from './support/redis';
import { CECSTACK_ACCOUNT_ENV, Gateway, SimAdmin, getJson, sendJson, startGateway, startSim } from './support/stack';

// Idempotency-Key over the simulators: one vendor call per key, shared by replicas through Redis, in memory
// without Redis (or while it is down).

const CECSTACK_CREATE = { provider: 'cecstack', diskFormat: 'qcow2', minDiskGiB: 2, minRamMiB: 1024, osType: 'linux', platform: 'CentOS', architecture: 'x86_64', bits: 64 };
const DIDI_CREATE = { provider: 'didi', fromSnapshot: '3fd352092a3f553cb124223f6a7f09b4', region: 'bj' };

let serial = 0;
const newKey = () => `e2e-${process.pid}-${Date.now()}-${++serial}`;

describe('Idempotency-Key over the simulated vendors', () => {
  let sim: RunningSim;
  let admin: SimAdmin;
  let redis: RedisClient;

  beforeAll(async () => {
    sim = await startSim({ stepMs: 100 });
    admin = new SimAdmin(sim);
    redis = testRedisClient();
  });
  afterAll(async () => {
    await redis.quit();
    await sim?.close();
  });

  const operationCount = async (vendor: 'cecstack' | 'didi', operation: string) => (await admin.stats())[vendor].byOperation[operation] ?? 0;

  describe('two replicas sharing Redis', () => {
    const keyPrefix = uniquePrefix('idem-e2e');
    let first: Gateway;
    let second: Gateway;

    beforeAll(async () => {
      first = await startGateway(sim, { keyPrefix, env: { ...CECSTACK_ACCOUNT_ENV } });
      second = await startGateway(sim, { keyPrefix, env: { ...CECSTACK_ACCOUNT_ENV } });
    });
    afterAll(async () => {
      await second?.close();
      await first?.close();
    });

    it('answers a retry on another replica with the first answer and makes one vendor call (CECSTACK create)', async () => {
      const key = newKey();
      const before = await operationCount('cecstack', 'private-images/create');
      const answer = await sendJson('POST', `${first.url}/images`, { ...CECSTACK_CREATE, name: 'idem create' }, { 'idempotency-key': key });
      expect(answer.status).toBe(202);
      const retries = await Promise.all([first, second, second].map((gw) => sendJson('POST', `${gw.url}/images`, { ...CECSTACK_CREATE, name: 'idem create' }, { 'idempotency-key': key })));
      for (const retry of retries) {
        expect(retry.status).toBe(202);
        expect(retry.headers.get('location')).toBe(answer.headers.get('location'));
        expect(retry.body).toEqual(answer.body);
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
      }
      expect(await operationCount('cecstack', 'private-images/create')).toBe(before + 1);
      // One image, not four.
      expect((await getJson(`${second.url}/images?provider=cecstack&name=idem%20create`)).body.items).toHaveLength(1);
    });

    it('answers a retried DiDi create with the same operation and one cimg/create call', async () => {
      const key = newKey();
      const before = await operationCount('didi', 'cimg/create');
      const answer = await sendJson('POST', `${first.url}/images`, { ...DIDI_CREATE, name: 'idem didi' }, { 'idempotency-key': key });
      const retry = await sendJson('POST', `${second.url}/images`, { ...DIDI_CREATE, name: 'idem didi' }, { 'idempotency-key': key });
      expect(answer.status).toBe(202);
      expect(retry.body.operation.id).toBe(answer.body.operation.id);
      expect(retry.headers.get('location')).toBe(`/operations/${answer.body.operation.id}`);
      expect(await operationCount('didi', 'cimg/create')).toBe(before + 1);
    });

    it('answers 409 for the same key with another body, on any replica, without a vendor call', async () => {
      const key = newKey();
      await sendJson('POST', `${first.url}/images`, { ...CECSTACK_CREATE, name: 'idem body a' }, { 'idempotency-key': key });
      // The write's catalog refresh goes on behind its answer: a list joins it, so it is over before the count.
      await getJson(`${first.url}/images?provider=cecstack&limit=1`);
      const before = (await admin.stats()).cecstack.requests;
      for (const gw of [first, second]) {
        const other = await sendJson('POST', `${gw.url}/images`, { ...CECSTACK_CREATE, name: 'idem body b' }, { 'idempotency-key': key });
        expect([other.status, other.body.code]).toEqual([409, 'CONFLICT']);
        expect(other.headers.get('content-type')).toContain('application/problem+json');
      }
      // The same key on another route is another request too.
      const elsewhere = await sendJson('POST', `${first.url}/images/cecstack:img-whatever/copy`, { name: 'idem body a' }, { 'idempotency-key': key });
      expect(elsewhere.status).toBe(409);
      expect((await admin.stats()).cecstack.requests).toBe(before);
    });

    it('answers 409 for a duplicate while the first is still at the vendor, and makes one call', async () => {
      const key = newKey();
      const before = await operationCount('cecstack', 'private-images/create');
      await admin.fault('cecstack', { kind: 'latency', latencyMs: 700, count: 1, pathContains: 'idem slow' });
      try {
        const body = { ...CECSTACK_CREATE, name: 'idem slow' };
        const slow = sendJson('POST', `${first.url}/images`, body, { 'idempotency-key': key });
        await new Promise((resolve) => setTimeout(resolve, 200));
        const duplicate = await sendJson('POST', `${second.url}/images`, body, { 'idempotency-key': key });
        expect([duplicate.status, duplicate.body.code]).toEqual([409, 'CONFLICT']);
        expect(duplicate.body.detail).toContain('still in progress');
        expect((await slow).status).toBe(202);
        const after = await sendJson('POST', `${second.url}/images`, body, { 'idempotency-key': key });
        expect(after.headers.get('idempotent-replayed')).toBe('true');
        expect(await operationCount('cecstack', 'private-images/create')).toBe(before + 1);
      } finally {
        await admin.clearFaults();
      }
    });

    it('keeps no failed answer: a retry after a vendor failure reaches the vendor again', async () => {
      const key = newKey();
      const before = await operationCount('cecstack', 'private-images/create');
      await admin.fault('cecstack', { kind: 'error', code: 'IMG.Internal.Error', count: 1, pathContains: 'idem fails once' });
      const failed = await sendJson('POST', `${first.url}/images`, { ...CECSTACK_CREATE, name: 'idem fails once' }, { 'idempotency-key': key });
      expect(failed.status).toBe(502);
      const retried = await sendJson('POST', `${second.url}/images`, { ...CECSTACK_CREATE, name: 'idem fails once' }, { 'idempotency-key': key });
      expect(retried.status).toBe(202);
      expect(await operationCount('cecstack', 'private-images/create')).toBe(before + 2);
    });

    it('never stores upload details: a retried upload-prepare runs again, and Redis holds no secret', async () => {
      const created = await sendJson('POST', `${first.url}/images`, { ...CECSTACK_CREATE, name: 'idem upload' });
      const id = created.body.image.id;
      const key = newKey();
      const before = await operationCount('cecstack', 'private-images/upload-prepare');
      const one = await sendJson('POST', `${first.url}/images/${id}/upload`, { sizeBytes: 4096 }, { 'idempotency-key': key });
      const two = await sendJson('POST', `${second.url}/images/${id}/upload`, { sizeBytes: 4096 }, { 'idempotency-key': key });
      expect([one.status, two.status]).toEqual([200, 200]);
      expect(two.headers.get('idempotent-replayed')).toBeNull();
      expect(two.headers.get('cache-control')).toBe('no-store');
      expect(await operationCount('cecstack', 'private-images/upload-prepare')).toBe(before + 2);
      const other = await sendJson('POST', `${first.url}/images/${id}/upload`, { sizeBytes: 4097 }, { 'idempotency-key': key });
      expect(other.status).toBe(409);

      const keys = await keysMatching(redis, `${keyPrefix}*`);
      expect(keys.some((k) => k.startsWith(`${keyPrefix}idem:v1:`))).toBe(true);
      const values = await Promise.all(keys.map(async (k) => ((await redis.type(k)) === 'string' ? redis.get(k) : '')));
      for (const secret of [one.body.secretKey, two.body.secretKey, one.body.accessKey]) {
        expect(typeof secret).toBe('string');
        expect(values.join('\n')).not.toContain(secret);
      }
    });

    it('ignores the key on non-POST routes and answers a POST without a key every time', async () => {
      const before = await operationCount('cecstack', 'private-images/create');
      const created = await sendJson('POST', `${first.url}/images`, { ...CECSTACK_CREATE, name: 'idem keyless' });
      await sendJson('POST', `${first.url}/images`, { ...CECSTACK_CREATE, name: 'idem keyless' });
      expect(await operationCount('cecstack', 'private-images/create')).toBe(before + 2);
      const key = newKey();
      const updates = await operationCount('cecstack', 'private-images/update');
      for (let i = 0; i < 2; i++) {
        const patched = await sendJson('PATCH', `${first.url}/images/${created.body.image.id}`, { name: 'idem patched' }, { 'idempotency-key': key });
        expect([patched.status, patched.headers.get('idempotent-replayed')]).toEqual([200, null]);
      }
      expect(await operationCount('cecstack', 'private-images/update')).toBe(updates + 2);
    });
  });

  it('replays from process memory without Redis configured', async () => {
    const gateway = await startGateway(sim, { redis: false, env: { ...CECSTACK_ACCOUNT_ENV } });
    try {
      const key = newKey();
      const before = await operationCount('cecstack', 'private-images/create');
      const answer = await sendJson('POST', `${gateway.url}/images`, { ...CECSTACK_CREATE, name: 'idem memory' }, { 'idempotency-key': key });
      const retry = await sendJson('POST', `${gateway.url}/images`, { ...CECSTACK_CREATE, name: 'idem memory' }, { 'idempotency-key': key });
      expect(retry.body).toEqual(answer.body);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await operationCount('cecstack', 'private-images/create')).toBe(before + 1);
    } finally {
      await gateway.close();
    }
  });

  it('fails open to process memory while Redis is unreachable, and says so in the log', async () => {
    const deadPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const keyPrefix = uniquePrefix('idem-dead');
    const gateway = await startGateway(sim, { redis: false, keyPrefix, env: { ...CECSTACK_ACCOUNT_ENV, REDIS_URL: `redis://127.0.0.1:${deadPort}/11` } });
    try {
      const key = newKey();
      const before = await operationCount('cecstack', 'private-images/create');
      const answer = await sendJson('POST', `${gateway.url}/images`, { ...CECSTACK_CREATE, name: 'idem dead redis' }, { 'idempotency-key': key });
      expect(answer.status).toBe(202);
      const retry = await sendJson('POST', `${gateway.url}/images`, { ...CECSTACK_CREATE, name: 'idem dead redis' }, { 'idempotency-key': key });
      expect(retry.body).toEqual(answer.body);
      expect(await operationCount('cecstack', 'private-images/create')).toBe(before + 1);
      expect(gateway.logs.some((line) => line.includes('idempotency keys fall back to process memory'))).toBe(true);
    } finally {
      await gateway.close();
      await deleteKeysWithPrefix(redis, keyPrefix);
    }
  });
});
