import pino from 'pino';
import { Image, Operation, RedisClient } from '@images/core';
import { deleteKeysWithPrefix, testRedisClient, uniquePrefix } from '@images/testing';
import { MemoryEventBus, StoredEvent } from './event-bus';
import { EventPublisher } from './event-publisher';
import { MemoryPublishedCatalogs, RedisPublishedCatalogs } from './published-catalogs';

function image(id: string, name = `image ${id}`): Image {
  return {
    id: `p:${id}`, provider: 'p', providerImageId: id, name, description: null, status: 'available', providerStatus: null, visibility: 'private',
    osType: null, platform: null, osVersion: null, architecture: null, bits: null, diskFormat: null, sizeBytes: null, minDiskGiB: null, minRamMiB: null,
    regions: [], createdAt: null, updatedAt: null, extra: {},
  };
}

describe('EventPublisher', () => {
  let events: StoredEvent[];
  let publisher: EventPublisher;
  beforeEach(() => {
    const bus = new MemoryEventBus(100);
    events = [];
    bus.subscribe((event) => events.push(event));
    publisher = new EventPublisher(bus, new MemoryPublishedCatalogs(), pino({ level: 'silent' }));
  });

  it('takes the first catalog of a provider as its baseline, then publishes only what changed, once', async () => {
    await publisher.catalogStored('p', [image('a'), image('b')]);
    expect(events).toEqual([]);
    await publisher.catalogStored('p', [image('a', 'renamed'), image('c')]);
    expect(events.map((event) => [event.type, event.data.image ? (event.data.image as Image).id : event.data.id, event.data.fields])).toEqual([
      ['image.added', 'p:c', undefined],
      ['image.changed', 'p:a', ['name']],
      ['image.removed', 'p:b', undefined],
    ]);
    // The same catalog again (another replica's refresh): already published.
    await publisher.catalogStored('p', [image('a', 'renamed'), image('c')]);
    expect(events).toHaveLength(3);
    // An empty catalog is a catalog: every image removed, and a baseline for the next.
    await publisher.catalogStored('q', []);
    await publisher.catalogStored('q', [image('z')]);
    expect(events.at(-1)).toMatchObject({ type: 'image.added', provider: 'q' });
  });

  it('diffs the catalogs of one provider in the order they were stored', async () => {
    await publisher.catalogStored('p', [image('a')]);
    await Promise.all([publisher.catalogStored('p', [image('a'), image('b')]), publisher.catalogStored('p', [image('b')])]);
    expect(events.map((event) => event.type)).toEqual(['image.added', 'image.removed']);
  });

  it('tells a circuit that opens as degraded and one that closes again as recovered, not the half-open trial', async () => {
    for (const state of ['open', 'open', 'half-open', 'open', 'half-open', 'closed', 'closed'] as const) publisher.circuitChanged('p', state);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.map((event) => [event.type, event.data.circuit])).toEqual([['provider.degraded', 'open'], ['provider.recovered', 'closed']]);
  });

  it('tells an operation each time it is seen in a new state', async () => {
    const operation: Operation = { id: 'p:job', provider: 'p', type: 'create', status: 'running', progress: 0, resourceId: null, error: null } as Operation;
    publisher.operationSeen('p', operation, 'v1');
    publisher.operationSeen('p', operation, 'v1');
    publisher.operationSeen('p', { ...operation, progress: 50 }, 'v2');
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.map((event) => (event.data.operation as Operation).progress)).toEqual([0, 50]);
  });

  describe('two replicas of one deployment (states shared through Redis)', () => {
    let redis: RedisClient;
    let prefix: string;
    let replicas: EventPublisher[];
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const settle = () => sleep(50);
    beforeAll(() => {
      redis = testRedisClient();
    });
    beforeEach(() => {
      prefix = uniquePrefix('publisher');
      const bus = new MemoryEventBus(100);
      bus.subscribe((event) => events.push(event));
      replicas = [0, 1].map(() => new EventPublisher(bus, new RedisPublishedCatalogs(redis, prefix), pino({ level: 'silent' })));
    });
    afterEach(() => deleteKeysWithPrefix(redis, prefix));
    afterAll(() => redis.quit());

    it('tells an operation state both replicas see once, and its next state once', async () => {
      const operation = { id: 'p:job', provider: 'p', type: 'create', status: 'running', progress: 0, resourceId: null, error: null } as Operation;
      for (const replica of replicas) replica.operationSeen('p', operation, 'v1');
      await settle();
      for (const replica of replicas) replica.operationSeen('p', { ...operation, status: 'succeeded' } as Operation, 'v2');
      await settle();
      expect(events.map((event) => (event.data.operation as Operation).status)).toEqual(['running', 'succeeded']);
    });

    it('lets "degraded" lapse when no replica renews it, so the next outage is told; a trip again renews it', async () => {
      const bus = new MemoryEventBus(100);
      bus.subscribe((event) => events.push(event));
      const [a, b, c] = [0, 1, 2].map(() => new EventPublisher(bus, new RedisPublishedCatalogs(redis, prefix), pino({ level: 'silent' }), undefined, 1000));
      a.circuitChanged('p', 'open');
      await sleep(600);
      // A failed half-open trial on A renews the state: B's trip 1.2 s after the first is the same outage.
      a.circuitChanged('p', 'half-open');
      a.circuitChanged('p', 'open');
      await sleep(600);
      b.circuitChanged('p', 'open');
      await settle();
      expect(events.map((event) => event.type)).toEqual(['provider.degraded']);
      // A and B are gone without closing: the state lapses, and C's trip is a new outage to tell.
      await sleep(1200);
      c.circuitChanged('p', 'open');
      await settle();
      expect(events.map((event) => event.type)).toEqual(['provider.degraded', 'provider.degraded']);
    });

    it('puts the state back when the publish fails, so the next replica to see it tells it', async () => {
      class FailingOnce extends MemoryEventBus {
        private failed = false;
        override async publish(batch: Parameters<MemoryEventBus['publish']>[0]) {
          if (!this.failed) {
            this.failed = true;
            throw new Error('stream unavailable');
          }
          return super.publish(batch);
        }
      }
      const bus = new FailingOnce(100);
      bus.subscribe((event) => events.push(event));
      const [a, b] = [0, 1].map(() => new EventPublisher(bus, new RedisPublishedCatalogs(redis, prefix), pino({ level: 'silent' })));
      const operation = { id: 'p:job2', provider: 'p', type: 'create', status: 'succeeded', progress: 100, resourceId: null, error: null } as Operation;
      a.operationSeen('p', operation, 'v9');
      await settle();
      expect(events).toEqual([]);
      b.operationSeen('p', operation, 'v9');
      await settle();
      expect(events.map((event) => (event.data.operation as Operation).id)).toEqual(['p:job2']);
    });

    it('tells the deployment degraded when the first circuit opens, and recovered when the first closes after it', async () => {
      replicas[0].circuitChanged('p', 'open');
      await settle();
      replicas[1].circuitChanged('p', 'open');
      await settle();
      replicas[1].circuitChanged('p', 'closed');
      await settle();
      replicas[0].circuitChanged('p', 'closed');
      await settle();
      expect(events.map((event) => event.type)).toEqual(['provider.degraded', 'provider.recovered']);
      // A new outage is news again.
      replicas[0].circuitChanged('p', 'open');
      await settle();
      expect(events.map((event) => event.type)).toEqual(['provider.degraded', 'provider.recovered', 'provider.degraded']);
    });
  });
});
