import { CALLERS, TestCaller, bearer, callersEnv } from './support/callers';
import { CECSTACK_ACCOUNT_ENV, Gateway, JsonResponse, SimAdmin, sendJson, startGateway } from './support/stack';
import { useSim } from './support/suite-setup';

// API.md section 8, Scopes: every route but the probes and problem pages needs a known caller with the route's scope.
// Each route is asked three times (no credentials, a caller without its scope, a caller with it) of a gateway with
// callers, and once of one without caller checks over the same simulators: the right caller gets today's answer.

const CREATE = { provider: 'cecstack', name: 'scoped', diskFormat: 'qcow2', minDiskGiB: 10, minRamMiB: 512, osType: 'linux', platform: 'CentOS', architecture: 'x86_64', bits: 64 };
const IMG = '/images/cecstack:img-nope';

/** [method, path, body, the scope it needs] */
const ROUTES: ReadonlyArray<[string, string, unknown, string]> = [
  ['GET', '/images?limit=1', undefined, 'images.read'],
  ['GET', IMG, undefined, 'images.read'],
  ['GET', '/providers', undefined, 'images.read'],
  ['GET', '/operations/didi:bj.nope', undefined, 'images.read'],
  ['GET', `${IMG}/shares`, undefined, 'images.read'],
  ['GET', `${IMG}/export-targets`, undefined, 'images.read'],
  ['POST', '/events/tickets', undefined, 'images.read'],
  ['POST', '/images', CREATE, 'images.write'],
  ['PATCH', IMG, { name: 'renamed' }, 'images.write'],
  ['DELETE', IMG, undefined, 'images.write'],
  ['POST', `${IMG}/copy`, { name: 'copied' }, 'images.write'],
  ['POST', `${IMG}/shares`, { userIds: ['u1'] }, 'images.write'],
  ['DELETE', `${IMG}/shares/u1`, undefined, 'images.write'],
  ['POST', `${IMG}/export`, { bucket: { name: 'b', azId: 'AZ0', cellId: 'c1' } }, 'images.write'],
  ['POST', `${IMG}/upload`, { sizeBytes: 10 }, 'images.files'],
  ['POST', `${IMG}/upload/complete`, { result: 'success' }, 'images.files'],
  ['GET', `${IMG}/file`, undefined, 'images.files'],
  ['HEAD', `${IMG}/file`, undefined, 'images.files'],
  ['GET', '/metrics', undefined, 'ops'],
  ['GET', '/health', undefined, 'ops'],
  ['GET', '/docs-json', undefined, 'ops'],
  ['GET', '/docs', undefined, 'ops'],
];

/** A caller that lacks `scope` (and has some other). */
const without = (scope: string): TestCaller => (scope === 'images.read' ? CALLERS.operator : CALLERS.reader);
/** A caller that has exactly `scope`, or more. */
const withScope = (scope: string): TestCaller => Object.values(CALLERS).find((caller) => caller.scopes.includes(scope))!;

async function vendorRequests(admin: SimAdmin): Promise<number> {
  return Object.values(await admin.stats()).reduce((sum, vendor) => sum + vendor.requests, 0);
}

describe('callers and scopes', () => {
  let guarded: Gateway;
  let open: Gateway;
  const suite = useSim({}, {
    setUp: async ({ sim }) => {
      guarded = await startGateway(sim, { env: { ...CECSTACK_ACCOUNT_ENV, ...callersEnv() } });
      open = await startGateway(sim, { env: { ...CECSTACK_ACCOUNT_ENV } });
    },
    tearDown: async () => {
      await guarded?.close();
      await open?.close();
    },
  });
  const call = (gateway: Gateway, [method, path, body]: readonly [string, string, unknown, string], headers: Record<string, string> = {}): Promise<JsonResponse> =>
    sendJson(method, `${gateway.url}${path}`, body, headers);

  it.each(ROUTES)('%s %s: 401 with no or unknown credentials, and the vendors see nothing', async (...route) => {
    const before = await vendorRequests(suite.admin);
    const unknown: Array<Record<string, string>> = [{}, { authorization: 'Bearer not-a-known-key' }, { 'x-api-key': 'not-a-known-key' }, { authorization: 'Basic dXNlcjpwYXNz' }];
    for (const headers of unknown) {
      const answer = await call(guarded, route, headers);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="images-gateway"');
      if (route[0] !== 'HEAD') expect(answer.body.code).toBe('UNAUTHENTICATED');
    }
    expect(await vendorRequests(suite.admin)).toBe(before);
  });

  it.each(ROUTES)('%s %s: 403 naming the scope for a caller without it, and the vendors see nothing', async (...route) => {
    const before = await vendorRequests(suite.admin);
    const answer = await call(guarded, route, bearer(without(route[3])));
    expect(answer.status).toBe(403);
    if (route[0] !== 'HEAD') expect(answer.body).toMatchObject({ code: 'FORBIDDEN', requiredScope: route[3] });
    expect(await vendorRequests(suite.admin)).toBe(before);
  });

  it.each(ROUTES)('%s %s: the answer of a gateway without caller checks, for a caller with the scope', async (...route) => {
    const expected = await call(open, route);
    const answer = await call(guarded, route, bearer(withScope(route[3])));
    expect([401, 403]).not.toContain(expected.status);
    expect(answer.status).toBe(expected.status);
    if (typeof expected.body === 'object' && expected.body?.code) expect(answer.body.code).toBe(expected.body.code);
  });

  it('guards the docs by the route matched, so no spelling of their URL gets past, and serves no YAML copy', async () => {
    for (const path of ['/docs-json', '/%64ocs-json', '/docs%2Djson', '/%64ocs', '/docs/swagger-ui-init.js', '/%64ocs/swagger-ui-init.js']) {
      expect({ path, status: (await sendJson('GET', `${guarded.url}${path}`)).status }).toEqual({ path, status: 401 });
    }
    expect((await sendJson('GET', `${guarded.url}/docs-yaml`, undefined, bearer(CALLERS.operator))).status).toBe(404);
  });

  it('answers the probes and the problem pages without credentials, unlimited', async () => {
    for (const path of ['/health/live', '/health/ready', '/problems', '/problems/not-found']) {
      const answer = await sendJson('GET', `${guarded.url}${path}`);
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      expect(answer.headers.get('ratelimit')).toBeNull();
    }
  });

  it('takes a key in X-Api-Key too, and names the caller and its address in the access log, never the key', async () => {
    const answer = await sendJson('GET', `${guarded.url}/providers`, undefined, { 'x-api-key': CALLERS.reader.key });
    expect(answer.status).toBe(200);
    const line = guarded.logs.map((text) => JSON.parse(text)).find((entry) => entry.msg === 'request' && entry.reqId === answer.headers.get('x-request-id'));
    expect(line).toMatchObject({ caller: 'reader', remoteAddress: '127.0.0.1', status: 200 });
    expect(guarded.logs.join('\n')).not.toContain(CALLERS.reader.key);
  });

  it('keeps Idempotency-Keys per caller: the same key from another caller is another request', async () => {
    const key = { 'idempotency-key': `scoped-${Date.now()}` };
    const creates = async () => (await suite.admin.stats()).cecstack.byOperation['private-images/create'] ?? 0;
    const before = await creates();
    const first = await sendJson('POST', `${guarded.url}/images`, CREATE, { ...bearer(CALLERS.writer), ...key });
    const other = await sendJson('POST', `${guarded.url}/images`, CREATE, { ...bearer(CALLERS.everything), ...key });
    const again = await sendJson('POST', `${guarded.url}/images`, CREATE, { ...bearer(CALLERS.writer), ...key });
    expect([first.status, other.status, again.status]).toEqual([first.status, first.status, first.status]);
    expect(first.status).toBeLessThan(300);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await creates()).toBe(before + 2);
  });
});
