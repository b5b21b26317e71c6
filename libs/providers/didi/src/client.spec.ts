import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError, ImageProvider } from '@images/core';
import { FakeAnswer, FakeRequest, FakeUpstream, recordingDeps, rejectedGatewayError, startFakeUpstream } from '@images/testing';
import { didiRegistration } from './index';

const TOKEN = 'didi-token-5f0c8e1d2b3a4c5d6e7f8091a2b3c4d5';
const docItem: Record<string, unknown> = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'cimg-list-response.json'), 'utf8')).data.items[0];

const item = (cimgUuid: string, fields: Record<string, unknown> = {}) => ({ ...docItem, cimgUuid, ...fields });
const catalog = (size: number, region: string) => Array.from({ length: size }, (_, i) => item(`${region}-${i}`, { regions: [region] }));
const ok = (data: unknown): FakeAnswer => ({ body: { errno: 0, errmsg: 'ok', requestId: 'req-ok', data } });
const listBody = (request: FakeRequest): { regionId: string; start: number; limit: number } => JSON.parse(request.body);
/** Answers `cimg/list` pages out of one catalog per region, as `{count, items}`. */
const pagesOf = (catalogs: Record<string, unknown[]>) => (request: FakeRequest): FakeAnswer => {
  const { regionId, start, limit } = listBody(request);
  const items = catalogs[regionId] ?? [];
  return ok({ count: items.length, items: items.slice(start, start + limit) });
};
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const context = (signal: AbortSignal = AbortSignal.timeout(5000)) => ({ signal });

describe('DiDi client against a loopback upstream', () => {
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  async function didi(handler: (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>, options: { regions?: string; maxConcurrent?: number } = {}) {
    upstream = await startFakeUpstream(handler);
    const deps = recordingDeps(options.maxConcurrent ?? 8);
    const config = didiRegistration.fromEnv({ DIDI_TOKEN: TOKEN, DIDI_REGIONS: options.regions ?? 'bj', DIDI_ENDPOINT: upstream.url })!;
    const provider: ImageProvider = didiRegistration.create(config, deps);
    return { provider, deps, upstream };
  }

  it('fetches page one, then the other pages at once within the concurrency, with start offsets', async () => {
    const bj = catalog(450, 'bj');
    let inFlight = 0;
    let peak = 0;
    let firstAnswered = false;
    const earlyStarts: number[] = [];
    const { provider, upstream } = await didi(async (request) => {
      if (listBody(request).start > 0 && !firstAnswered) earlyStarts.push(listBody(request).start);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await delay(25);
      inFlight--;
      const answer = pagesOf({ bj })(request);
      firstAnswered = true;
      return answer;
    }, { maxConcurrent: 2 });

    const images = await provider.listCatalog(context());

    expect(images.map((image) => image.providerImageId)).toEqual(bj.map((i) => i.cimgUuid));
    const bodies = upstream.requests.map(listBody);
    expect(bodies[0]).toEqual({ regionId: 'bj', start: 0, limit: 100 });
    expect(bodies.map((b) => b.start).sort((a, b) => a - b)).toEqual([0, 100, 200, 300, 400]);
    expect(bodies.every((b) => b.limit === 100 && b.regionId === 'bj')).toBe(true);
    expect(earlyStarts).toEqual([]);
    expect(peak).toBe(2);
    for (const request of upstream.requests) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/dicloud/i/storage/cimg/list');
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request.headers['content-type']).toBe('application/json');
    }
  });

  it('lists every region and merges an image present in several into one, regions unioned', async () => {
    const shared = (region: string) => item('shared-1', { regions: [region], name: `copy in ${region}` });
    const { provider, upstream } = await didi(pagesOf({
      bj: [item('bj-only', { regions: ['bj'] }), shared('bj')],
      gz: [shared('gz'), item('gz-only', { regions: ['gz'] })],
    }), { regions: 'bj,gz' });

    const images = await provider.listCatalog(context());

    expect(images.map((image) => [image.id, image.regions])).toEqual([
      ['didi:bj-only', ['bj']],
      ['didi:shared-1', ['bj', 'gz']],
      ['didi:gz-only', ['gz']],
    ]);
    expect(images[1].name).toBe('copy in bj');
    expect(upstream.requests.map((r) => listBody(r).regionId).sort()).toEqual(['bj', 'gz']);
  });

  it('walks pages until a short one when data is a bare array (no total)', async () => {
    const bj = catalog(150, 'bj');
    const { provider, upstream } = await didi((request) => {
      const { start, limit } = listBody(request);
      return ok(bj.slice(start, start + limit));
    });

    const images = await provider.listCatalog(context());

    expect(images).toHaveLength(150);
    expect(upstream.requests.map((r) => listBody(r).start)).toEqual([0, 100]);
  });

  it('drops an item without cimgUuid and says so in the log', async () => {
    const { provider, deps } = await didi(pagesOf({ bj: [item('good'), { ...docItem, cimgUuid: undefined }] }));
    expect((await provider.listCatalog(context())).map((image) => image.id)).toEqual(['didi:good']);
    const [line] = deps.logLines.filter((l) => l.includes('"skipped":1'));
    expect(JSON.parse(line)).toMatchObject({ level: 'warn', provider: 'didi', skipped: 1, msg: expect.stringMatching(/^catalog items without cimgUuid/) });
  });

  it('turns an errno envelope into its problem, and tells the observer the vendor code', async () => {
    const { provider, deps } = await didi(() => ({ body: { errno: 4, errmsg: 'authentication failed', requestId: 'req-4', data: null } }));

    const error = await rejectedGatewayError(provider.listCatalog(context()));

    expect(error.code).toBe('UPSTREAM_AUTH_FAILED');
    expect(error.upstream).toEqual({ status: 200, code: '4', message: 'authentication failed', requestId: 'req-4' });
    expect(error.detail).toBe('didi answered errno 4: authentication failed');
    expect(deps.events).toEqual([expect.objectContaining({
      provider: 'didi', operation: 'cimg/list', httpStatus: 200, problemCode: 'UPSTREAM_AUTH_FAILED', vendorCode: '4', unknownVendorCode: false,
    })]);
  });

  it('flags an errno outside the table as unmapped', async () => {
    const { provider, deps } = await didi(() => ({ body: { errno: 16000099, errmsg: 'something new', requestId: 'r', data: null } }));
    const error = await rejectedGatewayError(provider.listCatalog(context()));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(deps.events[0]).toMatchObject({ vendorCode: '16000099', unknownVendorCode: true });
  });

  it('fails the whole catalog when a later page fails', async () => {
    const bj = catalog(350, 'bj');
    const { provider } = await didi((request) =>
      listBody(request).start === 200 ? { body: { errno: 2, errmsg: 'system error', requestId: 'r', data: null } } : pagesOf({ bj })(request));
    expect((await rejectedGatewayError(provider.listCatalog(context()))).code).toBe('UPSTREAM_ERROR');
  });

  it('answers UPSTREAM_TIMEOUT when the signal aborts a hanging call', async () => {
    const { provider } = await didi(() => ({ hang: true }));
    const started = Date.now();
    const error = await rejectedGatewayError(provider.listCatalog(context(AbortSignal.timeout(150))));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers UPSTREAM_BAD_RESPONSE for a garbage body or a data without items', async () => {
    const garbage = await didi(() => ({ body: '<html>gateway</html>' }));
    expect((await rejectedGatewayError(garbage.provider.listCatalog(context()))).code).toBe('UPSTREAM_BAD_RESPONSE');
    await upstream?.close();

    const shapeless = await didi(() => ok({ count: 3 }));
    const error = await rejectedGatewayError(shapeless.provider.listCatalog(context()));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.detail).toBe('didi answered cimg/list with no data.items list');
  });

  it('answers UPSTREAM_UNAVAILABLE when the connection is reset', async () => {
    const { provider } = await didi(() => ({ reset: true }));
    expect((await rejectedGatewayError(provider.listCatalog(context()))).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('never lets the token into a log line or an error, even when the vendor echoes it', async () => {
    const answers: FakeAnswer[] = [
      ok({ count: 1, items: [item('x')] }),
      { body: { errno: 4, errmsg: `token ${TOKEN} is invalid`, requestId: 'r', data: null } },
      { status: 401, body: `Bearer ${TOKEN} rejected` },
      { body: `garbage ${TOKEN}` },
      // A reset is retried (a read): every attempt meets one.
      { reset: true },
      { reset: true },
      { reset: true },
      { hang: true },
    ];
    const { provider, deps } = await didi(() => answers.shift()!);
    const errors: GatewayError[] = [];
    await provider.listCatalog(context());
    for (let i = 0; i < 5; i++) errors.push(await rejectedGatewayError(provider.listCatalog(context(AbortSignal.timeout(i === 4 ? 150 : 5000)))));

    expect(errors.map((e) => e.code)).toEqual(['UPSTREAM_AUTH_FAILED', 'UPSTREAM_AUTH_FAILED', 'UPSTREAM_BAD_RESPONSE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);
    expect(errors[0].detail).toBe('didi answered errno 4: token [REDACTED] is invalid');
    expect(deps.logLines.length).toBeGreaterThanOrEqual(6);
    const surfaces = [...deps.logLines, ...errors.flatMap((e) => [e.message, String(e.detail), JSON.stringify(e.toProblem())])];
    for (const text of surfaces) expect(text).not.toContain(TOKEN);
  });
});
