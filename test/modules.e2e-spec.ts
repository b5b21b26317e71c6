import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { imageProviderToken } from '@images/core';
import { RunningSim } from '../apps/vendor-sim/src';
import { FakeProvider, fakeImage } from './support/fake-provider';
import { Gateway, SimAdmin, getJson, sendJson, startGateway, startSim } from './support/stack';

/** The fake standing in for one vendor: the same provider id, a catalog of its own, every write. */
class StandIn extends FakeProvider {
  override readonly id = 'ucloud' as never;
  constructor() {
    super();
    this.images.clear();
    for (const name of ['stand-in-a', 'stand-in-b']) this.images.set(name, { ...fakeImage(name), id: `ucloud:${name}`, provider: 'ucloud' });
  }
}

// The real AppModule, as production composes it from the four vendor modules, with one vendor's provider replaced
// through Nest's testing module (overrideProvider): the rest of the graph, globals included, is untouched.
describe('the real AppModule with one vendor module replaced by a fake', () => {
  let sim: RunningSim;
  let gateway: Gateway;
  const standIn = new StandIn();

  beforeAll(async () => {
    sim = await startSim();
    gateway = await startGateway(sim, {
      redis: false,
      createApp: async (root, adapter, options) => {
        const moduleRef = await Test.createTestingModule({ imports: [root] }).overrideProvider(imageProviderToken('ucloud')).useValue(standIn).compile();
        return moduleRef.createNestApplication<NestFastifyApplication>(adapter, options);
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await sim?.close();
  });

  it("lists the fake's catalog in the vendor's slice, the other vendors from their simulators, and never calls the replaced vendor", async () => {
    const admin = new SimAdmin(sim);
    await admin.resetStats();
    const { status, body } = await getJson(`${gateway.url}/images?limit=200`);
    expect(status).toBe(200);
    const ucloud = body.items.filter((image: { provider: string }) => image.provider === 'ucloud').map((image: { id: string }) => image.id).sort();
    expect(ucloud).toEqual(['ucloud:stand-in-a', 'ucloud:stand-in-b']);
    expect(body.sources.map((source: { provider: string; status: string }) => `${source.provider}:${source.status}`)).toEqual(['didi:ok', 'huawei:ok', 'ucloud:ok', 'cecstack:ok']);
    const stats = await admin.stats();
    expect(stats.ucloud.requests).toBe(0);
    expect(stats.didi.requests).toBeGreaterThan(0);
  });

  it('routes writes to the fake, with the globals applied (validation, idempotency, problems)', async () => {
    const refused = await sendJson('POST', `${gateway.url}/images/ucloud:stand-in-a/copy`, { name: ' bad' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(standIn.calls.copyImage).toBeUndefined();

    const first = await sendJson('POST', `${gateway.url}/images/ucloud:stand-in-a/copy`, { name: 'copied' }, { 'Idempotency-Key': 'modules-e2e-1' });
    const again = await sendJson('POST', `${gateway.url}/images/ucloud:stand-in-a/copy`, { name: 'copied' }, { 'Idempotency-Key': 'modules-e2e-1' });
    expect(first.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(standIn.calls.copyImage).toBe(1);

    const deleted = await sendJson('DELETE', `${gateway.url}/images/ucloud:stand-in-b`);
    expect(deleted.status).toBe(204);
    const after = await getJson(`${gateway.url}/images?provider=ucloud`);
    expect(after.body.items.map((image: { id: string }) => image.id)).not.toContain('ucloud:stand-in-b');
  });

  it("lists the fake's capabilities in GET /providers, derived from what it implements", async () => {
    const { body } = await getJson(`${gateway.url}/providers`);
    const ucloud = body.providers.find((provider: { id: string }) => provider.id === 'ucloud');
    expect(ucloud.capabilities).toEqual(expect.arrayContaining(['list', 'get', 'copy', 'delete', 'share']));
    expect(body.providers.find((provider: { id: string }) => provider.id === 'huawei').capabilities).toEqual(['list', 'get']);
  });
});
