import { createHash } from 'node:crypto';
import type { RedisClient } from '@images/core';
import { deleteKeysWithPrefix, testRedisClient, uniquePrefix } from '@images/testing';
import { Caller } from './caller';
import { StreamTickets } from './stream-tickets';

const READER: Caller = { name: 'web', scopes: new Set(['images.read']), via: 'api-key' };
const TTL_MS = 60_000;
const quiet = { warn: () => undefined };

describe('stream tickets', () => {
  let redis: RedisClient;
  let prefix: string;
  let clock: number;
  const now = () => clock;
  const replica = (options: { maxLocal?: number } = {}) => new StreamTickets(redis, { keyPrefix: prefix, ttlMs: TTL_MS, ...options }, quiet, now);

  beforeAll(() => {
    redis = testRedisClient();
  });
  beforeEach(() => {
    prefix = uniquePrefix('tickets');
    clock = 1_800_000_000_000;
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('names the caller who asked, on the replica that issued it and on any other sharing Redis', async () => {
    const { ticket, expiresAt } = await replica().issue(READER);
    expect(ticket).toMatch(/^est_[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.getTime()).toBe(clock + TTL_MS);
    for (const tickets of [replica(), replica()]) {
      const caller = await tickets.redeem(ticket);
      expect(caller).toMatchObject({ name: 'web', via: 'api-key' });
      expect([...caller!.scopes]).toEqual(['images.read']);
    }
  });

  it('keeps only a hash of the ticket in Redis, expiring with it', async () => {
    const { ticket } = await replica().issue(READER);
    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toEqual([`${prefix}ticket:v1:${createHash('sha256').update(ticket).digest('hex')}`]);
    expect(await redis.get(keys[0])).not.toContain(ticket.slice(4));
    const ttl = await redis.pttl(keys[0]);
    expect(ttl).toBeGreaterThan(TTL_MS - 5000);
    expect(ttl).toBeLessThanOrEqual(TTL_MS);
  });

  it('opens nothing once expired, on the issuing replica as on another', async () => {
    const issuer = replica();
    const { ticket } = await issuer.issue(READER);
    clock += TTL_MS - 1;
    expect(await issuer.redeem(ticket)).not.toBeNull();
    clock += 1;
    expect(await issuer.redeem(ticket)).toBeNull();
    expect(await replica().redeem(ticket)).toBeNull();
  });

  it('never outlives the token it was asked with, and is not issued for one already past its exp', async () => {
    const { expiresAt } = await replica().issue({ ...READER, via: 'jwt', expiresAtMs: clock + 10_000 });
    expect(expiresAt.getTime()).toBe(clock + 10_000);
    // A verifier's clock tolerance lets such a token through; a ticket born expired would only fail later.
    await expect(replica().issue({ ...READER, via: 'jwt', expiresAtMs: clock - 1 })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('answers 503, not "unknown", when Redis fails for a ticket this replica does not hold', async () => {
    const { ticket } = await replica().issue(READER);
    // A real client to a port nothing listens on: Redis down, as the other replica sees it.
    const down = testRedisClient(1, { lazy: true });
    const elsewhere = new StreamTickets(down, { keyPrefix: prefix, ttlMs: TTL_MS }, quiet, now);
    await expect(elsewhere.redeem(ticket)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    // Malformed tickets are refused before any Redis call.
    expect(await elsewhere.redeem('not-a-ticket')).toBeNull();
    down.disconnect();
  });

  it('refuses unknown and malformed tickets, and records of another shape', async () => {
    const tickets = replica();
    expect(await tickets.redeem(`est_${'A'.repeat(43)}`)).toBeNull();
    expect(await tickets.redeem('key-reader-3c9f1a7e5b2d')).toBeNull();
    const forged = `est_${'B'.repeat(43)}`;
    await redis.set(`${prefix}ticket:v1:${createHash('sha256').update(forged).digest('hex')}`, JSON.stringify({ name: 'x', via: 'anonymous', scopes: ['ops'], expiresAtMs: clock + 1000 }));
    expect(await tickets.redeem(forged)).toBeNull();
  });

  it('holds a bounded number in process, dropping the oldest first', async () => {
    const issuer = replica({ maxLocal: 2 });
    const issued = [await issuer.issue(READER), await issuer.issue(READER), await issuer.issue(READER)];
    // Without Redis' copies, only what the process kept opens anything.
    await redis.del(...(await redis.keys(`${prefix}*`)));
    expect(await issuer.redeem(issued[0].ticket)).toBeNull();
    expect(await issuer.redeem(issued[1].ticket)).not.toBeNull();
    expect(await issuer.redeem(issued[2].ticket)).not.toBeNull();
  });

  it('without Redis, serves the replica that issued it', async () => {
    const alone = new StreamTickets(null, { keyPrefix: prefix, ttlMs: TTL_MS }, quiet, now);
    const { ticket } = await alone.issue(READER);
    expect(await alone.redeem(ticket)).toMatchObject({ name: 'web' });
    expect(await new StreamTickets(null, { keyPrefix: prefix, ttlMs: TTL_MS }, quiet, now).redeem(ticket)).toBeNull();
  });
});
