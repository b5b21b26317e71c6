import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError, ImageProvider } from '@images/core';
import { FakeAnswer, FakeRequest, FakeUpstream, recordingDeps, rejectedGatewayError, startFakeUpstream } from '@images/testing';
import { ucloudRegistration } from './index';

const PUBLIC_KEY = 'ucloud-tester@example.com1296235120854146120';
const PRIVATE_KEY = '9c1e5b7a3d2f4e6a8b0c1d2e3f4a5b6c7d8e9f01';
const REQUEST_UUID = '0e4d9a1c-5b7f-4c2e-9a3d-000000000042';
const docItem: Record<string, unknown> = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'get-uvodn-image-response.json'), 'utf8')).ImageList[0];

const catalog = (size: number) => Array.from({ length: size }, (_, i) => ({ ...docItem, ImageId: `uodn-image-${i}`, State: '1' }));
const formOf = (request: FakeRequest) => new URLSearchParams(request.body);
const answer = (body: unknown, headers: Record<string, string> = {}): FakeAnswer => ({ body, headers: { 'X-UCLOUD-REQUEST-UUID': REQUEST_UUID, ...headers } });
/** Answers GetUvodnImage pages out of one catalog; numbers as strings, as UCloud sometimes sends them. */
const pagesOf = (items: unknown[]) => (request: FakeRequest): FakeAnswer => {
  const form = formOf(request);
  const offset = Number(form.get('Offset'));
  const limit = Number(form.get('Limit'));
  return answer({ Action: 'GetUvodnImageResponse', RetCode: 0, TotalCount: String(items.length), ImageList: items.slice(offset, offset + limit) });
};
/** The server's side of the signature, written from the vendor's rule rather than with the signer under test. */
function signatureIsValid(form: URLSearchParams, privateKey: string): boolean {
  const params = [...form.entries()].filter(([key]) => key !== 'Signature').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const expected = createHash('sha1').update(params.map(([k, v]) => k + v).join('') + privateKey).digest('hex');
  return form.get('Signature') === expected;
}
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const context = (signal: AbortSignal = AbortSignal.timeout(5000)) => ({ signal });

describe('UCloud client against a loopback upstream', () => {
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  async function ucloud(handler: (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>, options: { projectId?: string; maxConcurrent?: number } = {}) {
    upstream = await startFakeUpstream(handler);
    const deps = recordingDeps(options.maxConcurrent ?? 8);
    const config = ucloudRegistration.fromEnv({
      UCLOUD_PUBLIC_KEY: PUBLIC_KEY, UCLOUD_PRIVATE_KEY: PRIVATE_KEY, UCLOUD_PROJECT_ID: options.projectId, UCLOUD_ENDPOINT: upstream.url,
    })!;
    const provider: ImageProvider = ucloudRegistration.create(config, deps);
    return { provider, deps, upstream };
  }

  it('fetches page one, then the other pages at once within the concurrency, with Offset values', async () => {
    const items = catalog(420);
    let inFlight = 0;
    let peak = 0;
    let firstAnswered = false;
    const earlyOffsets: string[] = [];
    // A later page waits (up to 1 s) until three are in flight, so a loaded machine cannot make sent-together requests
    // look sequential; a client sending one at a time still gets each answer, and a peak of 1.
    const waiting: Array<() => void> = [];
    const { provider, upstream } = await ucloud(async (request) => {
      const offset = formOf(request).get('Offset');
      if (offset !== '0' && !firstAnswered) earlyOffsets.push(offset!);
      inFlight++;
      peak = Math.max(peak, inFlight);
      if (offset !== '0') {
        if (inFlight >= 3) waiting.splice(0).forEach((release) => release());
        else await new Promise<void>((resolve) => { waiting.push(resolve); setTimeout(resolve, 1000); });
      }
      await delay(25);
      inFlight--;
      firstAnswered = true;
      return pagesOf(items)(request);
    }, { maxConcurrent: 3 });

    const images = await provider.listCatalog(context());

    expect(images.map((image) => image.providerImageId)).toEqual(items.map((i) => i.ImageId));
    expect(images[0].status).toBe('available');
    const forms = upstream.requests.map(formOf);
    expect(forms[0].get('Offset')).toBe('0');
    expect(forms.map((f) => Number(f.get('Offset'))).sort((a, b) => a - b)).toEqual([0, 100, 200, 300, 400]);
    expect(forms.every((f) => f.get('Limit') === '100')).toBe(true);
    expect(earlyOffsets).toEqual([]);
    expect(peak).toBe(3);
  });

  it('POSTs a signed form the server can verify, with the ProjectId when configured', async () => {
    const { provider, upstream } = await ucloud(pagesOf(catalog(1)), { projectId: 'org-abc' });

    await provider.listCatalog(context());

    const [request] = upstream.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/');
    expect(request.rawQuery).toBe('');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = formOf(request);
    expect([...form.keys()].sort()).toEqual(['Action', 'Limit', 'Offset', 'ProjectId', 'PublicKey', 'Signature']);
    expect(form.get('Action')).toBe('GetUvodnImage');
    expect(form.get('PublicKey')).toBe(PUBLIC_KEY);
    expect(form.get('ProjectId')).toBe('org-abc');
    expect(form.get('Signature')).toMatch(/^[0-9a-f]{40}$/);
    expect(signatureIsValid(form, PRIVATE_KEY)).toBe(true);
    expect(signatureIsValid(form, 'another-private-key')).toBe(false);
  });

  it('reads the images of an answer without TotalCount (the field is optional)', async () => {
    const [item] = catalog(1);
    const { provider, upstream } = await ucloud((request) =>
      answer({ Action: 'GetUvodnImageResponse', RetCode: 0, ImageList: formOf(request).get('Offset') === '0' ? [item] : [] }));
    expect((await provider.listCatalog(context())).map((image) => image.id)).toEqual(['ucloud:uodn-image-0']);
    // Without a total, pages are read until a short one.
    expect(upstream.requests.map((request) => formOf(request).get('Offset'))).toEqual(['0', '1']);
  });

  it('POSTs to the root of the configured endpoint, its path prefix kept', async () => {
    upstream = await startFakeUpstream(pagesOf(catalog(1)));
    const config = ucloudRegistration.fromEnv({ UCLOUD_PUBLIC_KEY: PUBLIC_KEY, UCLOUD_PRIVATE_KEY: PRIVATE_KEY, UCLOUD_ENDPOINT: `${upstream.url}/ucloud/` })!;
    await ucloudRegistration.create(config, recordingDeps()).listCatalog(context());
    expect(upstream.requests.map((request) => request.path)).toEqual(['/ucloud/']);
  });

  it('sends no ProjectId when none is configured', async () => {
    const { provider, upstream } = await ucloud(pagesOf(catalog(1)));
    await provider.listCatalog(context());
    const form = formOf(upstream.requests[0]);
    expect(form.has('ProjectId')).toBe(false);
    expect(signatureIsValid(form, PRIVATE_KEY)).toBe(true);
  });

  it('takes an empty account without ImageList as an empty catalog', async () => {
    const { provider, deps } = await ucloud(() => answer({ Action: 'GetUvodnImageResponse', RetCode: 0, TotalCount: 0 }));
    expect(await provider.listCatalog(context())).toEqual([]);
    // Nothing was invented and then dropped.
    expect(deps.logLines.filter((line) => line.includes('skipped'))).toEqual([]);
    await upstream?.close();

    const nullList = await ucloud(() => answer({ Action: 'GetUvodnImageResponse', RetCode: 0, TotalCount: '0', ImageList: null }));
    expect(await nullList.provider.listCatalog(context())).toEqual([]);
    await upstream?.close();

    const bare = await ucloud(() => answer({ Action: 'GetUvodnImageResponse', RetCode: 0 }));
    expect(await bare.provider.listCatalog(context())).toEqual([]);
  });

  it('drops an item without ImageId and a repeated one, and logs the drop', async () => {
    const [first, second] = catalog(2);
    const { provider, deps } = await ucloud(pagesOf([first, { ImageName: 'no id' }, second, first]));
    expect((await provider.listCatalog(context())).map((image) => image.id)).toEqual(['ucloud:uodn-image-0', 'ucloud:uodn-image-1']);
    expect(deps.logLines.filter((line) => line.includes('"skipped":1'))).toHaveLength(1);
  });

  it('keeps the rest of the catalog when an ImageList entry is null or not an object', async () => {
    const [first, second] = catalog(2);
    const { provider, deps } = await ucloud(pagesOf([first, null, 'uodn-image-x', second]));
    expect((await provider.listCatalog(context())).map((image) => image.id)).toEqual(['ucloud:uodn-image-0', 'ucloud:uodn-image-1']);
    const warnings = deps.logLines.map((line) => JSON.parse(line)).filter((line) => line.level === 'warn');
    expect(warnings).toEqual([expect.objectContaining({ provider: 'ucloud', skipped: 2, msg: 'catalog items without ImageId skipped' })]);
  });

  it('logs no skip for a clean catalog', async () => {
    const { provider, deps } = await ucloud(pagesOf(catalog(3)));
    expect(await provider.listCatalog(context())).toHaveLength(3);
    expect(deps.logLines.filter((line) => line.includes('skipped'))).toEqual([]);
  });

  it('turns a RetCode into its problem, with the request id header, and tells the observer', async () => {
    const { provider, deps } = await ucloud(() => answer({ Action: 'GetUvodnImageResponse', RetCode: 171, Message: 'Signature VerifyAC Error' }));

    const error = await rejectedGatewayError(provider.listCatalog(context()));

    expect(error.code).toBe('UPSTREAM_AUTH_FAILED');
    expect(error.detail).toBe('ucloud answered RetCode 171: Signature VerifyAC Error');
    expect(error.upstream).toEqual({ status: 200, code: '171', message: 'Signature VerifyAC Error', requestId: REQUEST_UUID });
    expect(deps.events).toEqual([expect.objectContaining({
      provider: 'ucloud', operation: 'GetUvodnImage', httpStatus: 200, problemCode: 'UPSTREAM_AUTH_FAILED', vendorCode: '171', unknownVendorCode: false,
    })]);
  });

  it('answers RATE_LIMITED with Retry-After for a throttled page after page one', async () => {
    const items = catalog(250);
    const { provider } = await ucloud((request) =>
      formOf(request).get('Offset') === '200' ? answer({ RetCode: 153, Message: 'too frequently' }, { 'Retry-After': '5' }) : pagesOf(items)(request));
    const error = await rejectedGatewayError(provider.listCatalog(context()));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterSeconds).toBe(5);
  });

  it('answers UPSTREAM_TIMEOUT when the signal aborts a hanging call', async () => {
    const { provider } = await ucloud(() => ({ hang: true }));
    const started = Date.now();
    const error = await rejectedGatewayError(provider.listCatalog(context(AbortSignal.timeout(150))));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers UPSTREAM_BAD_RESPONSE for a garbage body or an ImageList that is not a list', async () => {
    const garbage = await ucloud(() => ({ body: 'Internal Server Error' }));
    expect((await rejectedGatewayError(garbage.provider.listCatalog(context()))).code).toBe('UPSTREAM_BAD_RESPONSE');
    await upstream?.close();

    const shapeless = await ucloud(() => answer({ RetCode: 0, TotalCount: 1, ImageList: { ImageId: 'x' } }));
    const error = await rejectedGatewayError(shapeless.provider.listCatalog(context()));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.upstream?.requestId).toBe(REQUEST_UUID);
    await upstream?.close();

    const missing = await ucloud(() => answer({ RetCode: 0, TotalCount: 3 }));
    const missingError = await rejectedGatewayError(missing.provider.listCatalog(context()));
    expect(missingError.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(missingError.detail).toBe('ucloud answered GetUvodnImage with an ImageList that is not a list');
  });

  it('answers UPSTREAM_UNAVAILABLE when the connection is reset', async () => {
    const { provider } = await ucloud(() => ({ reset: true }));
    expect((await rejectedGatewayError(provider.listCatalog(context()))).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('never lets a key into a log line or an error, even when the vendor echoes them', async () => {
    const answers: FakeAnswer[] = [
      pagesOf(catalog(1))({ body: 'Offset=0&Limit=100' } as FakeRequest),
      answer({ RetCode: 172, Message: `user ${PUBLIC_KEY} not exist` }),
      answer({ RetCode: 171, Message: `expected key ${PRIVATE_KEY}` }),
      { status: 403, body: `denied ${PUBLIC_KEY}` },
      { body: `garbage ${PRIVATE_KEY}` },
      // A reset is retried (a read): every attempt meets one.
      { reset: true },
      { reset: true },
      { reset: true },
      { hang: true },
    ];
    const { provider, deps } = await ucloud(() => answers.shift()!);
    const errors: GatewayError[] = [];
    await provider.listCatalog(context());
    for (let i = 0; i < 6; i++) errors.push(await rejectedGatewayError(provider.listCatalog(context(AbortSignal.timeout(i === 5 ? 150 : 5000)))));

    expect(errors.map((e) => e.code)).toEqual(['UPSTREAM_AUTH_FAILED', 'UPSTREAM_AUTH_FAILED', 'FORBIDDEN', 'UPSTREAM_BAD_RESPONSE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);
    expect(errors[0].detail).toBe('ucloud answered RetCode 172: user [REDACTED] not exist');
    expect(deps.logLines.length).toBeGreaterThanOrEqual(7);
    const surfaces = [...deps.logLines, ...errors.flatMap((e) => [e.message, String(e.detail), JSON.stringify(e.toProblem())])];
    for (const text of surfaces) {
      expect(text).not.toContain(PUBLIC_KEY);
      expect(text).not.toContain(PRIVATE_KEY);
    }
  });
});
