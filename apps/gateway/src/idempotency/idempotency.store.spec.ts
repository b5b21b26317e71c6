import type { RedisClient } from '@images/core';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { deleteKeysWithPrefix, testRedisClient, uniquePrefix } from '@images/testing';
import { startRedisServer } from '../../../../test/support/processes';
import { IdempotencyStore, Lease, StoredAnswer, sha256 } from './idempotency.store';

const ANSWER: StoredAnswer = { status: 202, headers: { location: '/operations/cloud-b:bj.job1', 'content-type': 'application/json; charset=utf-8' }, body: '{"image":null}' };
const DAY_MS = 24 * 3600 * 1000;

function recordingLogger() {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (_obj: unknown, msg?: string) => void warnings.push(String(msg)), info: () => undefined } };
}

function leaseOf(claim: Awaited<ReturnType<IdempotencyStore['claim']>>): Lease {
  if (claim.outcome !== 'claimed') throw new Error(`expected a claim, got ${claim.outcome}`);
  return claim.lease;
}

/** The same contract, whichever backend holds the records. */
function behavesAsAnIdempotencyStore(label: string, make: (options?: { pendingTtlMs?: number }) => IdempotencyStore) {
  describe(label, () => {
    it('claims a new key once; the same request meanwhile is in flight, another request a mismatch', async () => {
      const store = make();
      expect((await store.claim('k1', 'fp-a')).outcome).toBe('claimed');
      expect((await store.claim('k1', 'fp-a')).outcome).toBe('in-flight');
      expect((await store.claim('k1', 'fp-b')).outcome).toBe('mismatch');
    });

    it('replays a completed answer for the same request, and refuses it to another', async () => {
      const store = make();
      await store.complete(leaseOf(await store.claim('k2', 'fp-a')), ANSWER);
      expect(await store.claim('k2', 'fp-a')).toEqual({ outcome: 'replay', answer: ANSWER });
      expect((await store.claim('k2', 'fp-b')).outcome).toBe('mismatch');
    });

    it('remembers a key whose answer was not kept, so the same request runs again', async () => {
      const store = make();
      await store.complete(leaseOf(await store.claim('k3', 'fp-a')), null);
      expect((await store.claim('k3', 'fp-a')).outcome).toBe('repeat');
      expect((await store.claim('k3', 'fp-b')).outcome).toBe('mismatch');
    });

    it('frees a released key for a retry', async () => {
      const store = make();
      await store.release(leaseOf(await store.claim('k4', 'fp-a')));
      expect((await store.claim('k4', 'fp-b')).outcome).toBe('claimed');
    });

    it('frees a key whose request never finished once the pending time has passed', async () => {
      const store = make({ pendingTtlMs: 150 });
      leaseOf(await store.claim('k5', 'fp-a'));
      expect((await store.claim('k5', 'fp-a')).outcome).toBe('in-flight');
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect((await store.claim('k5', 'fp-a')).outcome).toBe('claimed');
    });

    it('lets exactly one of many concurrent claims through', async () => {
      const store = make();
      const claims = await Promise.all(Array.from({ length: 25 }, () => store.claim('k6', 'fp-a')));
      expect(claims.filter((c) => c.outcome === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.outcome === 'in-flight')).toHaveLength(24);
    });

    it('does not let a late release remove a newer claim', async () => {
      const store = make({ pendingTtlMs: 100 });
      const stale = leaseOf(await store.claim('k7', 'fp-a'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      leaseOf(await store.claim('k7', 'fp-a'));
      await store.release(stale);
      expect((await store.claim('k7', 'fp-a')).outcome).toBe('in-flight');
    });
  });
}

describe('IdempotencyStore', () => {
  describe('in Redis (database 11)', () => {
    const prefix = uniquePrefix('idem');
    let redis: RedisClient;
    const { logger } = recordingLogger();
    let counter = 0;
    // Each test its own key space, so tests never see each other's records.
    const make = (options: { pendingTtlMs?: number } = {}) => new IdempotencyStore(redis, { keyPrefix: `${prefix}${++counter}:`, answerTtlMs: DAY_MS, pendingTtlMs: options.pendingTtlMs ?? 10_000 }, logger);

    beforeAll(() => {
      redis = testRedisClient();
    });
    afterAll(async () => {
      await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
    });

    behavesAsAnIdempotencyStore('contract', make);

    it('stores under {prefix}idem:v1:{sha256(key)} for 24 h, holding neither the key nor the request', async () => {
      const store = make();
      const keyPrefix = `${prefix}${counter}:`;
      await store.complete(leaseOf(await store.claim('my-secret-key', sha256('POST /images\n{"name":"x"}'))), ANSWER);
      const recordKey = `${keyPrefix}idem:v1:${sha256('my-secret-key')}`;
      expect(store.recordKey('my-secret-key')).toBe(recordKey);
      const raw = await redis.get(recordKey);
      expect(raw).not.toBeNull();
      expect(raw).not.toContain('my-secret-key');
      expect(raw).not.toContain('"name":"x"');
      const ttl = await redis.pttl(recordKey);
      expect(ttl).toBeGreaterThan(DAY_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(DAY_MS);
    });

    it('is shared by replicas: one claims, the other waits, then replays', async () => {
      const keyPrefix = `${prefix}shared:`;
      const options = { keyPrefix, answerTtlMs: DAY_MS, pendingTtlMs: 10_000 };
      const first = new IdempotencyStore(redis, options, logger);
      const second = new IdempotencyStore(redis, options, logger);
      const lease = leaseOf(await first.claim('k', 'fp'));
      expect((await second.claim('k', 'fp')).outcome).toBe('in-flight');
      await first.complete(lease, ANSWER);
      expect(await second.claim('k', 'fp')).toEqual({ outcome: 'replay', answer: ANSWER });
    });
  });

  describe('in process memory (no Redis configured)', () => {
    const { logger } = recordingLogger();
    behavesAsAnIdempotencyStore('contract', (options = {}) => new IdempotencyStore(null, { keyPrefix: 'p:', answerTtlMs: DAY_MS, pendingTtlMs: options.pendingTtlMs ?? 10_000 }, logger));

    it('holds at most maxMemoryRecords, dropping the oldest', async () => {
      const store = new IdempotencyStore(null, { keyPrefix: 'p:', answerTtlMs: DAY_MS, pendingTtlMs: 10_000, maxMemoryRecords: 3 }, logger);
      for (const key of ['a', 'b', 'c', 'd']) await store.complete(leaseOf(await store.claim(key, 'fp')), ANSWER);
      expect((await store.claim('a', 'fp')).outcome).toBe('claimed');
      expect((await store.claim('d', 'fp')).outcome).toBe('replay');
    });
  });

  describe('when Redis fails', () => {
    let deadRedis: Redis;

    beforeAll(async () => {
      // A port nobody listens on: every command fails at once (no offline queue), as with the gateway's client.
      const port = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = server.address() as { port: number };
          server.close(() => resolve(free));
        });
      });
      deadRedis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    });
    afterAll(() => deadRedis.disconnect());

    it('falls back to process memory (fail open), warning once', async () => {
      const { logger, warnings } = recordingLogger();
      const store = new IdempotencyStore(deadRedis, { keyPrefix: 'dead:', answerTtlMs: DAY_MS, pendingTtlMs: 10_000 }, logger);
      const lease = leaseOf(await store.claim('k', 'fp'));
      expect(lease.backend).toBe('memory');
      expect((await store.claim('k', 'fp')).outcome).toBe('in-flight');
      await store.complete(lease, ANSWER);
      expect(await store.claim('k', 'fp')).toEqual({ outcome: 'replay', answer: ANSWER });
      expect((await store.claim('k', 'other')).outcome).toBe('mismatch');
      expect(warnings.filter((w) => w.includes('fall back to process memory'))).toHaveLength(1);
    });
  });

  describe('when Redis comes back', () => {
    it('still replays a key this replica answered during the outage, instead of claiming it afresh in Redis', async () => {
      const server = await startRedisServer();
      const client = new Redis({ host: '127.0.0.1', port: server.port, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
      client.on('error', () => undefined);
      try {
        await new Promise((resolve) => client.once('ready', resolve));
        const { logger } = recordingLogger();
        const store = new IdempotencyStore(client, { keyPrefix: 'back:', answerTtlMs: DAY_MS, pendingTtlMs: 10_000 }, logger);
        await server.kill();
        const lease = leaseOf(await store.claim('k', 'fp'));
        expect(lease.backend).toBe('memory');
        await store.complete(lease, ANSWER);
        await server.restart();
        for (let i = 0; i < 50 && client.status !== 'ready'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
        expect(client.status).toBe('ready');
        expect(await store.claim('k', 'fp')).toEqual({ outcome: 'replay', answer: ANSWER });
        expect((await store.claim('k', 'other')).outcome).toBe('mismatch');
      } finally {
        client.disconnect();
        await server.stop();
      }
    });
  });
});
