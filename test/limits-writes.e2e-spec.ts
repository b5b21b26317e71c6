import { CALLERS, bearer, callersEnv } from './support/callers';
import { Gateway, sendJson, startGateway } from './support/stack';
import { useSim } from './support/suite-setup';

// API.md section 8: the writes budget counts POST/PATCH/DELETE and `GET /images?refresh=true`, nothing else; and
// refused credentials count against the address they come from, so guessing keys soon meets a 429.

describe('what counts against the limits', () => {
  let gateway: Gateway;
  useSim({}, {
    setUp: async ({ sim }) => {
      gateway = await startGateway(sim, { redis: false, env: callersEnv({ RATE_LIMIT_PER_MINUTE: '8', RATE_LIMIT_WRITES_PER_MINUTE: '2' }) });
    },
    tearDown: async () => gateway?.close(),
  });
  const get = (path: string, headers: Record<string, string>) => sendJson('GET', `${gateway.url}${path}`, undefined, headers);

  it('counts a refresh of GET /images as a write, and no-cache on any other route as a plain read', async () => {
    const noCache = { ...bearer(CALLERS.everything), 'cache-control': 'no-cache' };
    for (let i = 0; i < 3; i++) expect((await get('/providers', noCache)).status).toBe(200);
    expect((await get('/images?refresh=true&limit=1', bearer(CALLERS.everything))).status).toBe(200);
    expect((await get('/images?limit=1', noCache)).status).toBe(200);
    const third = await get('/images?refresh=true&limit=1', bearer(CALLERS.everything));
    expect(third.status).toBe(429);
    expect(third.body.detail).toContain('writes');
  });

  it('turns refused credentials from one address into a 429 once over the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await get('/providers', { authorization: `Bearer guess-${i}` })).status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses.slice(8)).toEqual([429, 429]);
    // A known caller is counted on its own: not blocked by the guesses made from its address.
    expect((await get('/providers', bearer(CALLERS.reader))).status).toBe(200);
  });
});
