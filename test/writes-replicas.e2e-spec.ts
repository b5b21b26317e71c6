import { Image } from '@images/core';
import { RunningSim } from '../apps/vendor-sim/src';
import { CECSTACK_ACCOUNT_ENV, Gateway, getJson, sendJson, startGateway, startSim } from './support/stack';
import { STEP_MS } from './support/suite-setup';

// Read-your-writes across two gateway replicas that share one Redis (and its catalog cache), over the vendor simulators.

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
