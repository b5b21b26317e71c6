import { Image } from '@images/core';
import { RunningSim } from '../apps/vendor-sim/src';
import { EventStream, ReadEvent, openEvents } from './support/events';
import { Gateway, getJson, sendJson, startGateway, startSim } from './support/stack';
import { STEP_MS, eventually, sleep } from './support/suite-setup';

// Issue 13 items 1 and 2: catalog changes learnt by one replica reach an SSE subscriber on another (one Redis stream
// per deployment), resumable with Last-Event-ID; a third gateway of its own (another prefix) plays the vendor-side
// change nobody in the deployment was told of.
const SNAPSHOT_BJ = '3fd352092a3f553cb124223f6a7f09b4';
const STREAM_MAX = 10;

describe('catalog change events across replicas', () => {
  let sim: RunningSim;
  let writer: Gateway;
  let reader: Gateway;
  let outsider: Gateway;
  const streams: EventStream[] = [];
  const open = async (gateway: Gateway, query = '?provider=didi', headers: Record<string, string> = {}) => {
    const stream = await openEvents(`${gateway.url}/events${query}`, headers);
    streams.push(stream);
    return stream;
  };
  const list = async (gateway: Gateway, headers: Record<string, string> = {}) => (await getJson(`${gateway.url}/images?provider=didi&limit=200`, headers)).body.items as Image[];
  const imageEvent = (type: string, id: string) => (event: ReadEvent) => event.event === type && (event.data.image?.id ?? event.data.id) === id;

  beforeAll(async () => {
    sim = await startSim({ stepMs: STEP_MS });
    const env = { CACHE_TTL_SECONDS: '300', EVENTS_STREAM_MAX_LENGTH: String(STREAM_MAX), EVENTS_HEARTBEAT_MS: '200' };
    writer = await startGateway(sim, { env });
    reader = await startGateway(sim, { keyPrefix: writer.keyPrefix, env });
    outsider = await startGateway(sim, { env });
    // The first catalog each deployment sees is its baseline: no event for every image it already has.
    await list(writer);
    await list(outsider);
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    for (const gateway of [outsider, reader, writer]) await gateway?.close();
    await sim?.close();
  });

  it('is a text/event-stream that sends heartbeats and nothing for the baseline catalog', async () => {
    const stream = await open(reader);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers['cache-control']).toContain('no-store');
    await sleep(500);
    expect(stream.events).toEqual([]);
    stream.close();
  });

  it('tells a subscriber on replica B of a create through replica A: added pending, the operation, then changed to available', async () => {
    const stream = await open(reader);
    const created = await sendJson('POST', `${writer.url}/images`, { provider: 'didi', name: 'e2e events', fromSnapshot: SNAPSHOT_BJ, region: 'bj' });
    expect(created.status).toBe(202);
    const { id: operationId, resourceId } = created.body.operation;
    await list(writer);
    const added = await stream.next(imageEvent('image.added', resourceId));
    expect(added.data.image).toMatchObject({ id: resourceId, name: 'e2e events', status: 'pending', provider: 'didi' });
    expect(added.id).toMatch(/^\d+-\d+$/);

    await eventually(() => getJson(`${writer.url}${created.headers.get('location')}`), (answer) => answer.body.status !== 'running');
    const operation = await stream.next((event) => event.event === 'operation.updated' && event.data.operation.id === operationId && event.data.operation.status === 'succeeded');
    expect(operation.data.provider).toBe('didi');
    await list(writer);
    const changed = await stream.next(imageEvent('image.changed', resourceId));
    expect(changed.data.image.status).toBe('available');
    expect(changed.data.fields).toContain('status');
  });

  it('tells of a rename and a delete, and a subscriber that reconnects with Last-Event-ID misses nothing', async () => {
    const images = (await list(writer)).filter((image) => image.visibility === 'private' && image.status === 'available');
    const [renamed, doomed] = images;
    const first = await open(reader);
    expect((await sendJson('PATCH', `${writer.url}/images/${renamed.id}`, { name: 'e2e events renamed' })).status).toBe(200);
    await list(writer);
    const rename = await first.next(imageEvent('image.changed', renamed.id));
    expect(rename.data.image.name).toBe('e2e events renamed');
    expect(rename.data.fields).toContain('name');
    first.close();

    // Away while the delete happens: on return, the missed event comes first.
    expect((await sendJson('DELETE', `${writer.url}/images/${doomed.id}`)).status).toBeLessThan(300);
    await list(writer);
    await sleep(200);
    const again = await open(reader, '?provider=didi', { 'last-event-id': rename.id! });
    const removed = await again.next(imageEvent('image.removed', doomed.id));
    expect(removed.data).toMatchObject({ provider: 'didi', id: doomed.id, name: doomed.name });
    expect(again.events.filter((event) => event.event !== undefined)[0]).toEqual(removed);
    again.close();
  });

  it('gives exactly one image.changed for a change made behind the deployment, refreshed by both replicas', async () => {
    const refresh = { 'cache-control': 'no-cache' };
    const target = (await list(outsider, refresh)).find((image) => image.visibility === 'private' && image.status === 'available' && !image.name?.startsWith('e2e'))!;
    const stream = await open(reader);
    expect((await sendJson('PATCH', `${outsider.url}/images/${target.id}`, { name: 'e2e changed at the vendor' })).status).toBe(200);
    await Promise.all([list(writer, refresh), list(reader, refresh)]);
    await list(reader, refresh);
    await list(writer, refresh);
    const changed = await stream.next(imageEvent('image.changed', target.id));
    expect(changed.data.fields).toContain('name');
    await sleep(500);
    expect(stream.events.filter(imageEvent('image.changed', target.id))).toHaveLength(1);
  });

  it('filters by type, and refuses an unknown type or provider', async () => {
    const stream = await open(reader, '?type=image.removed');
    const target = (await list(writer)).find((image) => image.visibility === 'private' && image.status === 'available')!;
    expect((await sendJson('PATCH', `${writer.url}/images/${target.id}`, { name: 'e2e filtered' })).status).toBe(200);
    expect((await sendJson('DELETE', `${writer.url}/images/${target.id}`)).status).toBeLessThan(300);
    await list(writer);
    await stream.next(imageEvent('image.removed', target.id));
    expect(stream.events.every((event) => event.event === 'image.removed')).toBe(true);
    for (const query of ['?type=image.exploded', '?provider=nowhere']) expect((await getJson(`${reader.url}/events${query}`)).status).toBe(400);
  });

  it('caps the open streams per caller (429), and frees a slot when a stream closes', async () => {
    const mine = await Promise.all([0, 1, 2, 3, 4].map(() => open(writer, '')));
    expect(mine.map((stream) => stream.status)).toEqual([200, 200, 200, 200, 200]);
    const refused = await getJson(`${writer.url}/events`);
    expect(refused.status).toBe(429);
    mine[0].close();
    await mine[0].ended;
    const freed = await eventually(async () => {
      const stream = await open(writer, '');
      if (stream.status !== 200) stream.close();
      return stream;
    }, (stream) => stream.status === 200);
    expect(freed.status).toBe(200);
    for (const stream of [...mine, freed]) stream.close();
  });

  it('sends one reset to a subscriber whose Last-Event-ID was trimmed from the stream, then follows from there', async () => {
    const stream = await open(reader);
    const target = (await list(writer)).find((image) => image.visibility === 'private' && image.status === 'available')!;
    const seen: ReadEvent[] = [];
    for (let round = 0; round <= STREAM_MAX; round++) {
      expect((await sendJson('PATCH', `${writer.url}/images/${target.id}`, { name: `e2e trim ${round}` })).status).toBe(200);
      await list(writer);
      seen.push(await stream.next((event) => event.event === 'image.changed' && event.data.image.name === `e2e trim ${round}`));
    }
    stream.close();
    const late = await open(reader, '?provider=didi', { 'last-event-id': seen[0].id! });
    const reset = await late.next((event) => event.event === 'reset');
    expect(reset.id).toBe(seen.at(-1)!.id);
    expect(late.events.filter((event) => event.event !== undefined)).toEqual([reset]);
    late.close();
  });
});
