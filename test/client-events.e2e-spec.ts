import { Image, createImagesClient, subscribeEvents } from '@images/client';
import { CALLERS, bearer, callersEnv } from './support/callers';
import { getJson, sendJson, startGateway } from './support/stack';
import { useSimAndGateway } from './support/suite-setup';

// subscribeEvents (libs/client) against the real gateway: a rename through the gateway arrives as image.changed on
// the client's stream, and a resume with the last id it saw replays what came after.
describe('the typed client following GET /events', () => {
  const suite = useSimAndGateway({}, (sim) => startGateway(sim, { env: { ...callersEnv(), CACHE_TTL_SECONDS: '300' } }));
  const list = async () => (await getJson(`${suite.gateway.url}/images?provider=didi&limit=200`, bearer(CALLERS.writer))).body.items as Image[];

  afterAll(() => {
    // An aborted fetch leaves its keep-alive socket with undici, which keeps it as long as the gateway's 72 s hint:
    // cut here, so the gateway's close does not wait for the client to drop it (the client is the test's).
    (suite.gateway.app.app.getHttpAdapter().getInstance() as { server: { closeAllConnections(): void } }).server.closeAllConnections();
  });

  it('yields a change made through the gateway, and resumes after the last id it saw', async () => {
    const client = createImagesClient({ baseUrl: suite.gateway.url, apiKey: CALLERS.reader.key });
    const [image] = (await list()).filter((candidate) => candidate.visibility === 'private');
    const abort = new AbortController();
    const events = subscribeEvents(client, { query: { provider: 'didi', type: 'image.changed' }, signal: abort.signal });
    const first = events.next();
    // The stream opens when the iteration starts; a rename made before it is open is not told to it, so renames go
    // on until one arrives. Nobody lists: the gateway fetches the catalog again after each write by itself.
    let arrived = false;
    void first.then(() => (arrived = true));
    for (let n = 0; n < 20 && !arrived; n++) {
      expect((await sendJson('PATCH', `${suite.gateway.url}/images/${image.id}`, { name: `e2e client events one ${n}` }, bearer(CALLERS.writer))).status).toBe(200);
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 500))]);
    }
    const { value: changed } = await first;
    expect(changed).toMatchObject({ type: 'image.changed', id: expect.stringMatching(/^\d+-\d+$/), data: { provider: 'didi', image: { id: image.id, name: expect.stringMatching(/^e2e client events one \d+$/) } } });
    abort.abort();
    await events.return(undefined);

    expect((await sendJson('PATCH', `${suite.gateway.url}/images/${image.id}`, { name: 'e2e client events two' }, bearer(CALLERS.writer))).status).toBe(200);
    const resumed = new AbortController();
    const replay = subscribeEvents(client, { query: { provider: 'didi', type: 'image.changed' }, lastEventId: changed!.id, signal: resumed.signal });
    // Everything after the id it saw, in order: a late rename of the loop above, if any, then the one made meanwhile.
    const replayed: string[] = [];
    for await (const event of replay) {
      replayed.push((event.data.image as Image).name!);
      if (replayed.at(-1) === 'e2e client events two') break;
    }
    expect(replayed.at(-1)).toBe('e2e client events two');
    expect(replayed).not.toContain((changed!.data.image as Image).name);
    resumed.abort();
    await replay.return(undefined);
  });
});
