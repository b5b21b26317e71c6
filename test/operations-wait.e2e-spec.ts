import { request } from 'node:http';
import { getJson, sendJson, startGateway } from './support/stack';
import { expectProblem, sleep, useSimAndGateway } from './support/suite-setup';

// GET /operations/{id}?wait=N (API.md section 7): answered when the job moves, or when the wait ends, without the
// caller polling. A DiDi build moves every 2 s here: 0 %, then 50 %, then succeeded.
const STEP_MS = 2000;
const SNAPSHOT_BJ = '3fd352092a3f553cb124223f6a7f09b4';

describe('waiting for an operation', () => {
  const suite = useSimAndGateway({ stepMs: STEP_MS }, (sim) => startGateway(sim));
  const url = (path: string) => `${suite.gateway.url}${path}`;
  const resultCalls = async () => (await suite.admin.stats()).didi.byOperation.result ?? 0;
  const create = async (name: string) => {
    const created = await sendJson('POST', url('/images'), { provider: 'didi', name, fromSnapshot: SNAPSHOT_BJ, region: 'bj' });
    expect(created.status).toBe(202);
    return created.headers.get('location')!;
  };

  it('answers each change as it happens: from the state at the request, then from the ETag the caller sends', async () => {
    const location = await create('e2e wait');
    const first = await getJson(url(location));
    expect(first.body).toMatchObject({ status: 'running', progress: 0 });
    const firstTag = first.headers.get('etag')!;
    expect(firstTag).toMatch(/^W\/"/);

    const moved = await getJson(url(`${location}?wait=20`));
    expect(moved.body).toMatchObject({ status: 'running', progress: 50 });
    expect(moved.headers.get('etag')).not.toBe(firstTag);

    const finished = await getJson(url(`${location}?wait=20`), { 'if-none-match': moved.headers.get('etag')! });
    expect(finished.body).toMatchObject({ status: 'succeeded', progress: 100 });

    // The caller's copy is the final one: 304 at once, one vendor call, no waiting on a job that cannot move.
    const before = await resultCalls();
    const current = await getJson(url(`${location}?wait=20`), { 'if-none-match': finished.headers.get('etag')! });
    expect([current.status, current.headers.get('etag'), await resultCalls()]).toEqual([304, finished.headers.get('etag'), before + 1]);
  });

  it('answers at once when the caller\'s ETag is already out of date, and with 200 after a wait that saw no change', async () => {
    const location = await create('e2e wait stale tag');
    const stale = await getJson(url(`${location}?wait=20`), { 'if-none-match': 'W/"something-older"' });
    expect(stale.body).toMatchObject({ status: 'running', progress: 0 });

    const unchanged = await getJson(url(`${location}?wait=1`));
    expect([unchanged.status, unchanged.body.status]).toEqual([200, 'running']);
  });

  it('stops asking the vendor when the waiting caller goes away', async () => {
    const location = await create('e2e wait gone');
    await sleep(STEP_MS * 3);
    const another = await create('e2e wait gone 2');
    // A connection of its own, cut as a browser tab closing would.
    const waiting = request(url(`${another}?wait=30`), { agent: false });
    const closed = new Promise((resolve) => waiting.on('close', () => resolve('closed')));
    waiting.on('error', () => undefined);
    waiting.end();
    await sleep(1500);
    waiting.destroy();
    expect(await closed).toBe('closed');
    await sleep(300);
    const afterLeaving = await resultCalls();
    await sleep(2500);
    expect(await resultCalls()).toBe(afterLeaving);
    expect((await getJson(url(location))).body.status).toBe('succeeded');
  });

  it.each(['31', '-1', '1.5', 'soon', ''])('refuses wait=%j with a 400, before any vendor call', async (wait) => {
    const before = await resultCalls();
    expectProblem(await getJson(url(`/operations/didi:bj.0123456789abcdef0123456789abcdef?wait=${wait}`)), 400, 'VALIDATION_FAILED');
    expect(await resultCalls()).toBe(before);
  });
});
