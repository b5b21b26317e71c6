import { Socket } from 'node:net';
import { CALLERS, bearer, callersEnv } from './support/callers';
import { Gateway, SimAdmin, sendJson, startGateway } from './support/stack';
import { useSim } from './support/suite-setup';

// API.md section 8, Limits: bodies over BODY_LIMIT_BYTES, bodies that are not JSON, JSON nested too deep, huge lists,
// thousands of unknown keys, slow senders and ids no vendor issues are each refused quickly, with a problem, before
// anything reaches a vendor, and without slowing anyone else.

const BODY_LIMIT = 900 * 1024;
const REQUEST_TIMEOUT_MS = 1500;
const writer = bearer(CALLERS.everything);

async function vendorRequests(admin: SimAdmin): Promise<number> {
  return Object.values(await admin.stats()).reduce((sum, vendor) => sum + vendor.requests, 0);
}

/** Times `/health/live` every 10 ms while `work` runs: the probe's worst latency, in ms. */
async function probeWhile<T>(gateway: Gateway, work: () => Promise<T>): Promise<{ result: T; workMs: number; worstProbeMs: number }> {
  let running = true;
  let worstProbeMs = 0;
  const probing = (async () => {
    while (running) {
      const started = performance.now();
      await fetch(`${gateway.url}/health/live`);
      worstProbeMs = Math.max(worstProbeMs, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const started = performance.now();
  const result = await work();
  const workMs = performance.now() - started;
  running = false;
  await probing;
  return { result, workMs, worstProbeMs };
}

describe('limits against hostile requests', () => {
  let gateway: Gateway;
  const suite = useSim({}, {
    setUp: async ({ sim }) => {
      gateway = await startGateway(sim, { redis: false, env: callersEnv({ BODY_LIMIT_BYTES: String(BODY_LIMIT), REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) }) });
    },
    tearDown: async () => gateway?.close(),
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => sendJson('POST', `${gateway.url}${path}`, body, { ...writer, ...headers });

  it('refuses 90,000 user ids at once with a 400, and the probe never waits for it', async () => {
    // ~450 KB: under the body limit, so the list itself is what is checked.
    const userIds = Array.from({ length: 90_000 }, (_, i) => `u${i % 10}`);
    const overContract = await post('/images/cecstack:img-x/shares', { userIds: userIds.slice(0, 60) });
    expect(overContract.body.errors).toEqual([{ field: 'userIds', message: 'userIds must hold 1 to 50 user ids' }]);
    const body = JSON.stringify({ userIds });
    // The best of three tries: a GC pause late in a long CI process is not the check's cost (a quadratic one took seconds each time).
    const tries = [];
    for (let attempt = 0; attempt < 3; attempt++) tries.push(await probeWhile(gateway, () => post('/images/cecstack:img-x/shares', body)));
    for (const { result } of tries) {
      expect(result.status).toBe(400);
      expect(result.body.errors).toEqual([{ field: 'userIds', message: 'holds 90000 items; no list of this API takes more than 1000' }]);
    }
    const best = tries.reduce((a, b) => (Math.max(a.workMs, a.worstProbeMs) <= Math.max(b.workMs, b.worstProbeMs) ? a : b));
    // The contract's figures: the 400 within 100 ms, the probe never over 100 ms.
    expect(best.workMs).toBeLessThan(100);
    expect(best.worstProbeMs).toBeLessThan(100);
  });

  it.each([false, true])('refuses JSON nested 200,000 deep with a 400 and no error logged (Idempotency-Key: %s)', async (withKey) => {
    const deep = `{"userIds":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const logsBefore = gateway.logs.length;
    const answer = await post('/images/cecstack:img-x/shares', deep, withKey ? { 'idempotency-key': `deep-${Date.now()}` } : {});
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'body', message: 'nests deeper than 16 levels' }] });
    expect(gateway.logs.slice(logsBefore).filter((line) => JSON.parse(line).level >= 50)).toEqual([]);
  });

  it('refuses a body over BODY_LIMIT_BYTES with 413 before reading it', async () => {
    const answer = await post('/images', 'x'.repeat(1024 * 1024 + 1));
    expect(answer.status).toBe(413);
    expect(answer.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['application/x-www-form-urlencoded', 'userIds=u1'],
    ['text/plain', '{"userIds":["u1"]}'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="userIds"\r\n\r\nu1\r\n--x--'],
  ])('refuses a %s body with 415, and no vendor hears of it', async (contentType, body) => {
    const before = await vendorRequests(suite.admin);
    const answer = await post('/images/cecstack:img-x/shares', body, { 'content-type': contentType });
    expect(answer.status).toBe(415);
    expect(answer.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await vendorRequests(suite.admin)).toBe(before);
  });

  it('lists at most 20 errors for a body of 60,000 unknown keys, in a short answer', async () => {
    const body = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, 1]));
    const answer = await post('/images', body);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toHaveLength(20);
    expect(answer.body.detail).toMatch(/and 59980 more$/);
    expect(JSON.stringify(answer.body).length).toBeLessThan(4096);
  });

  it('answers a URL the router cannot decode with a problem that does not repeat it, and the browser headers', async () => {
    const answer = await sendJson('GET', `${gateway.url}/images/%E0%A4%A?api_key=SECRET-VALUE-123`, undefined, writer);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'the URL is not valid (bad percent-encoding)', instance: '/images/%E0%A4%A' });
    expect(JSON.stringify(answer.body)).not.toContain('SECRET-VALUE-123');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(gateway.logs.join('\n')).not.toContain('SECRET-VALUE-123');
  });

  it('keeps idle keep-alive connections as long as Fastify does, and bounds requests and sockets as configured', () => {
    const server = gateway.app.app.getHttpServer() as import('node:http').Server;
    expect({ keepAlive: server.keepAliveTimeout, request: server.requestTimeout, sockets: server.maxConnections }).toEqual({ keepAlive: 72_000, request: REQUEST_TIMEOUT_MS, sockets: 2048 });
  });

  it('closes a request whose body trickles in slower than REQUEST_TIMEOUT_MS', async () => {
    const socket = new Socket();
    await new Promise<void>((resolve) => socket.connect(Number(new URL(gateway.url).port), '127.0.0.1', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
    socket.on('error', () => undefined);
    // Read what the gateway answers, so its close is seen.
    socket.resume();
    const started = performance.now();
    socket.write(`POST /images HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${CALLERS.everything.key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
    const trickle = setInterval(() => socket.writable && socket.write(' '), 200);
    const closedAt = await closed;
    clearInterval(trickle);
    expect(closedAt - started).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    // Node checks timeouts every second here (its default is every 30 s).
    expect(closedAt - started).toBeLessThan(REQUEST_TIMEOUT_MS + 2500);
  });

  it.each(['/images/cecstack:..', '/images/cecstack:.', '/images/didi:a%2Fb', '/images/cecstack:a%00b', `/images/cecstack:${'x'.repeat(129)}`])(
    'answers %s with 404 and asks no vendor',
    async (path) => {
      const before = await vendorRequests(suite.admin);
      for (const method of ['GET', 'DELETE']) {
        const answer = await sendJson(method, `${gateway.url}${path}`, undefined, writer);
        expect({ method, status: answer.status, code: answer.body.code }).toEqual({ method, status: 404, code: 'NOT_FOUND' });
      }
      expect((await post(`${path}/shares`, { userIds: ['u1'] })).status).toBe(404);
      expect(await vendorRequests(suite.admin)).toBe(before);
    },
  );
});
