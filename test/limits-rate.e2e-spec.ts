import { CALLERS, TestCaller, apiKeysEnv, bearer, callersEnv } from './support/callers';
import { TimedResponse, call, expectRefusal, extraCallers, remaining } from './support/limits';
import { GatewayProcess, spawnGateway, startRedisServer } from './support/processes';
import { deleteKeysWithPrefix, testRedisClient, testRedisEnv, testRedisUrl, uniquePrefix } from './support/redis';
import { simEnv } from './support/stack';
import { sleep, useSim } from './support/suite-setup';

// API.md section 8, rate limits, end to end: built gateway processes over the vendor simulators, counting per caller
// in a real Redis (the test database, or a redis-server of the test's own that it kills and restarts).

/** The requests budget per minute in these tests: small, so that a test spends it in a few requests. */
const N = 10;
const LIST = '/images?limit=1';
/** The remaining budget after each of N requests counted once: N-1, ..., 0. */
const COUNTDOWN = Array.from({ length: N }, (_, i) => N - 1 - i);
/** Callers with a budget untouched by anyone, one per attempt to see whether replicas share counts again. */
const PROBES = extraCallers('probe', 30, ['images.read']);
const KEYS = apiKeysEnv([...Object.values(CALLERS), ...PROBES]);
const LIMITED_ENV = callersEnv({ AUTH_API_KEYS: KEYS, RATE_LIMIT_PER_MINUTE: String(N) });

const list = (gateway: GatewayProcess, caller: TestCaller, headers: Record<string, string> = {}, path = LIST) =>
  call(`${gateway.url}${path}`, { headers: { ...bearer(caller), ...headers } });

/** `count` requests of `caller`, the i-th to `gateways[i % gateways.length]`, one after the other. */
async function spend(gateways: GatewayProcess[], caller: TestCaller, count: number): Promise<TimedResponse[]> {
  const answers: TimedResponse[] = [];
  for (let i = 0; i < count; i++) answers.push(await list(gateways[i % gateways.length], caller));
  return answers;
}

/** N answers that all passed, each with RateLimit counting down from N-1 to 0 (one count for all of them). */
function expectOneCountdown(answers: TimedResponse[]): void {
  expect(answers.map((answer) => answer.status)).toEqual(Array(N).fill(200));
  expect(answers.map((answer) => answer.headers.get('ratelimit-policy'))).toEqual(Array(N).fill(expect.stringContaining(`q=${N};w=60`)));
  expect(answers.map((answer) => remaining(answer.headers))).toEqual(COUNTDOWN);
}

/** A refusal for being over the requests budget, as API.md section 8 words it. */
function expectOverBudget(answer: TimedResponse): void {
  expectRefusal(answer, 429, 'RATE_LIMITED');
  expect(answer.headers.get('ratelimit-policy')).toContain(`q=${N};w=60`);
  expect(answer.headers.get('ratelimit')).toContain('r=0');
}

describe('rate limits of gateway processes sharing one Redis', () => {
  const suite = useSim();
  const running: GatewayProcess[] = [];
  let prefix = '';

  /** `count` gateway processes over the simulators, sharing the Redis of `redisEnv` under this test's own prefix. */
  async function replicas(count: number, env: Record<string, string>, redisEnv = testRedisEnv()): Promise<GatewayProcess[]> {
    const base = { ...simEnv(suite.sim), ...redisEnv, CACHE_KEY_PREFIX: prefix, LOG_LEVEL: 'warn', SHUTDOWN_DELAY_MS: '0' };
    const started = await Promise.all(Array.from({ length: count }, () => spawnGateway({ ...base, ...env })));
    running.push(...started);
    return started;
  }

  beforeEach(() => {
    prefix = uniquePrefix('limits');
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((gateway) => gateway.kill('SIGKILL')));
    const redis = testRedisClient();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it("counts a caller's requests once across both replicas: N pass, the next is 429 on either, another caller is unaffected", async () => {
    const [a, b] = await replicas(2, LIMITED_ENV);
    expectOneCountdown(await spend([a, b], CALLERS.reader, N));
    for (const replica of [a, b]) expectOverBudget(await list(replica, CALLERS.reader));

    const other = await list(b, CALLERS.writer);
    expect(other.status).toBe(200);
    expect(remaining(other.headers)).toBe(N - 1);
  });

  it('counts GET /images?refresh=true, Cache-Control: no-cache and DELETE against the writes budget, plain lists not', async () => {
    const [gateway] = await replicas(1, callersEnv({ AUTH_API_KEYS: KEYS, RATE_LIMIT_PER_MINUTE: '100', RATE_LIMIT_WRITES_PER_MINUTE: '2' }));
    const refreshes: Array<{ caller: TestCaller; headers: Record<string, string>; path: string }> = [
      { caller: CALLERS.reader, headers: {}, path: `${LIST}&refresh=true` },
      { caller: CALLERS.writer, headers: { 'cache-control': 'no-cache' }, path: LIST },
    ];
    for (const { caller, headers, path } of refreshes) {
      const passed = [await list(gateway, caller, headers, path), await list(gateway, caller, headers, path)];
      expect(passed.map((answer) => [answer.status, remaining(answer.headers, 'writes')])).toEqual([[200, 1], [200, 0]]);

      const refused = await list(gateway, caller, headers, path);
      expectRefusal(refused, 429, 'RATE_LIMITED');
      expect(refused.headers.get('ratelimit-policy')).toContain('"writes";q=2;w=60');

      // A plain list still passes, counted against the requests budget only (the three refreshes were counted there too).
      const plain = await list(gateway, caller);
      expect(plain.status).toBe(200);
      expect(remaining(plain.headers, 'writes')).toBeNull();
      expect(remaining(plain.headers)).toBe(100 - 4);
    }

    // One writes budget for every kind of write: after two refreshes a DELETE is refused before it reaches any vendor.
    const { everything } = CALLERS;
    for (let i = 0; i < 2; i++) expect((await list(gateway, everything, {}, `${LIST}&refresh=true`)).status).toBe(200);
    const deletion = await call(`${gateway.url}/images/didi:img-0000000000`, { method: 'DELETE', headers: bearer(everything) });
    expectRefusal(deletion, 429, 'RATE_LIMITED');
  });

  it('counts per replica while Redis is down, without failing or hanging, and shares counts again once it is back', async () => {
    const redis = await startRedisServer();
    try {
      const [a, b] = await replicas(2, LIMITED_ENV, { REDIS_URL: testRedisUrl(redis.port) });
      const answers: TimedResponse[] = [];
      const spent = async (gateways: GatewayProcess[], caller: TestCaller, count: number) => {
        const some = await spend(gateways, caller, count);
        answers.push(...some);
        return some;
      };

      await redis.kill();
      // Each replica alone allows the caller N, then refuses.
      for (const replica of [a, b]) {
        const some = await spent([replica], CALLERS.reader, N + 1);
        expectOneCountdown(some.slice(0, N));
        expectOverBudget(some[N]);
      }

      await redis.restart();
      // Sharing again once both replicas count in Redis: a fresh caller's second request, on the other replica,
      // then sees the first one (N-2 left); a replica still counting alone would say N-1.
      let shared = false;
      const probes = [...PROBES];
      while (!shared && probes.length > 1) {
        const seen = await spent([a, b], probes.shift()!, 2);
        shared = seen.map((answer) => remaining(answer.headers)).join() === [N - 1, N - 2].join();
        if (!shared) await sleep(400);
      }
      expect(shared).toBe(true);
      const caller = probes.shift()!;
      expectOneCountdown(await spent([a, b], caller, N));
      for (const replica of [a, b]) expectOverBudget((await spent([replica], caller, 1))[0]);

      // Nothing failed otherwise, and nothing waited on the dead Redis: its budget is 100 ms per count, so 2.5 s
      // leaves room for a shared 2-core machine while still catching a request that hung on Redis's timeouts.
      expect(answers.filter((answer) => answer.status !== 200 && answer.status !== 429)).toEqual([]);
      expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(2500);
    } finally {
      await redis.stop();
    }
  }, 60_000);

  it('limits anonymous callers by remote address (AUTH_DISABLED=true) and never the probes or problem pages', async () => {
    const [gateway] = await replicas(1, { AUTH_DISABLED: 'true', RATE_LIMIT_PER_MINUTE: String(N) });
    const from = (localAddress: string, path = LIST, headers: Record<string, string> = {}) => call(`${gateway.url}${path}`, { localAddress, headers });

    const passed: TimedResponse[] = [];
    for (let i = 0; i < N; i++) passed.push(await from('127.0.0.1'));
    expectOneCountdown(passed);
    expectOverBudget(await from('127.0.0.1'));
    // The remote address is the socket's: a forwarded-for header does not make another caller.
    expectOverBudget(await from('127.0.0.1', LIST, { 'x-forwarded-for': '203.0.113.7' }));
    // Another address is another caller.
    const elsewhere = await from('127.0.0.2');
    expect([elsewhere.status, remaining(elsewhere.headers)]).toEqual([200, N - 1]);

    // Probes and problem pages answer an address over its budget, and more than N times, with no RateLimit header.
    const publicPaths = [...Array(N + 2).fill('/health/live'), '/health/ready', '/problems/rate-limited'];
    for (const address of ['127.0.0.1', '127.0.0.3']) {
      const answers: TimedResponse[] = [];
      for (const path of publicPaths) answers.push(await from(address, path));
      expect(answers.map((answer) => [answer.status, answer.headers.get('ratelimit')])).toEqual(publicPaths.map(() => [200, null]));
    }
    // ... and count for nothing: the fresh address still has its whole budget.
    expect(remaining((await from('127.0.0.3')).headers)).toBe(N - 1);
  });
});
