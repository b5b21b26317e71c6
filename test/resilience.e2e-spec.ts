import { Socket } from 'node:net';
import { RunningSim } from '../apps/vendor-sim/src';
import { GatewayProcess, RedisServer, spawnGateway, startRedisServer } from './support/processes';
import { deleteKeysWithPrefix, testRedisClient, testRedisUrl, uniquePrefix } from './support/redis';
import { Gateway, SimAdmin, VENDORS, Vendor, getJson, simEnv, startGateway, startSim } from './support/stack';

type Source = { provider: string; status: string; cache: string; ageSeconds?: number; error?: { code: string } };
const sourceOf = (body: { sources: Source[] }, vendor: string) => body.sources.find((s) => s.provider === vendor)!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Upstream requests the simulators saw, per vendor. */
async function upstreamRequests(admin: SimAdmin): Promise<Record<string, number>> {
  const stats = await admin.stats();
  return Object.fromEntries(VENDORS.map((vendor) => [vendor, stats[vendor]?.requests ?? 0]));
}

describe.each(VENDORS)('%s misbehaving', (vendor: Vendor) => {
  let sim: RunningSim;
  let admin: SimAdmin;
  beforeAll(async () => {
    sim = await startSim();
    admin = new SimAdmin(sim);
  });
  afterEach(() => admin.clearFaults());
  afterAll(() => sim.close());

  it('serves its stale catalog, marked, when the vendor fails after the TTL', async () => {
    const gateway = await startGateway(sim, { redis: false, env: { CACHE_TTL_SECONDS: '1', CACHE_STALE_SECONDS: '60', PROVIDER_TIMEOUT_MS: '800' } });
    try {
      const warm = await getJson(`${gateway.url}/images?limit=1`);
      const expected = sourceOf(warm.body, vendor);
      expect(expected.status).toBe('ok');
      await sleep(1100);
      await admin.fault(vendor, { kind: 'status', httpStatus: 500 });
      const { status, body } = await getJson(`${gateway.url}/images?limit=1`);
      expect(status).toBe(200);
      expect(sourceOf(body, vendor)).toMatchObject({ status: 'stale', cache: 'stale', error: { provider: vendor } });
      expect(sourceOf(body, vendor).ageSeconds).toBeGreaterThanOrEqual(1);
      expect(body.complete).toBe(false);
    } finally {
      await gateway.close();
    }
  });

  it('answers a single throttle with a retry the caller never sees', async () => {
    const gateway = await startGateway(sim, { redis: false, env: { PROVIDER_TIMEOUT_MS: '3000' } });
    try {
      await admin.resetStats();
      await admin.fault(vendor, { kind: 'throttle', count: 1 });
      const { status, body } = await getJson(`${gateway.url}/images?provider=${vendor}&limit=1`);
      expect(status).toBe(200);
      expect(sourceOf(body, vendor)).toMatchObject({ status: 'ok', cache: 'miss' });
      expect(sourceOf(body, vendor)).toMatchObject({ count: (await admin.catalogIds(vendor)).length });
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`gateway_upstream_retries_total\\{provider="${vendor}",[^}]*code="RATE_LIMITED"\\} 1`));
    } finally {
      await gateway.close();
    }
  });

  it('opens its circuit under a hang, answers in milliseconds while open, and closes once the vendor recovers', async () => {
    const gateway = await startGateway(sim, { redis: false, env: { PROVIDER_TIMEOUT_MS: '300', CIRCUIT_FAILURE_THRESHOLD: '2', CIRCUIT_HALF_OPEN_AFTER_MS: '700' } });
    try {
      await admin.fault(vendor, { kind: 'hang' });
      for (let i = 0; i < 2; i++) await getJson(`${gateway.url}/images?refresh=true&limit=1`);
      const providers = await getJson(`${gateway.url}/providers`);
      expect(providers.body.providers.find((p: { id: string }) => p.id === vendor).circuit).toBe('open');
      const health = await getJson(`${gateway.url}/health`);
      expect(health.body.details[`provider:${vendor}`].circuit).toBe('open');

      const started = performance.now();
      const { status, body } = await getJson(`${gateway.url}/images?refresh=true&limit=1`);
      expect(performance.now() - started).toBeLessThan(150);
      expect(status).toBe(200);
      expect(sourceOf(body, vendor).error?.code).toBe('UPSTREAM_UNAVAILABLE');

      await admin.clearFaults();
      await sleep(800);
      const recovered = await getJson(`${gateway.url}/images?provider=${vendor}&refresh=true&limit=1`);
      expect(recovered.status).toBe(200);
      expect(sourceOf(recovered.body, vendor).status).toBe('ok');
      expect((await getJson(`${gateway.url}/providers`)).body.providers.find((p: { id: string }) => p.id === vendor).circuit).toBe('closed');
    } finally {
      await gateway.close();
    }
  });
});

describe('Redis killed mid-run', () => {
  let sim: RunningSim;
  let redis: RedisServer;
  let gateway: Gateway;
  beforeAll(async () => {
    sim = await startSim();
    redis = await startRedisServer();
    gateway = await startGateway(sim, { redisPort: redis.port, env: { CACHE_TTL_SECONDS: '1', PROVIDER_TIMEOUT_MS: '2000' } });
  });
  afterAll(async () => {
    await gateway.close();
    await redis.stop();
    await sim.close();
  });

  it('answers every request while Redis is gone, then uses it again once it is back', async () => {
    const outcomes: Array<{ status: number; ms: number; complete: boolean }> = [];
    let running = true;
    const client = async () => {
      while (running) {
        const started = performance.now();
        const { status, body } = await getJson(`${gateway.url}/images?limit=5`).catch(() => ({ status: 0, body: {} as { complete?: boolean } }));
        outcomes.push({ status, ms: performance.now() - started, complete: body.complete === true });
      }
    };
    const clients = Array.from({ length: 8 }, client);

    await sleep(500);
    await redis.kill();
    await sleep(1500);
    const duringOutage = await getJson(`${gateway.url}/health`);
    expect(duringOutage.status).toBe(200);
    expect(duringOutage.body.details.cache).toMatchObject({ status: 'down', backend: 'redis' });
    expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(200);

    await redis.restart();
    await sleep(2500);
    running = false;
    await Promise.all(clients);

    expect(outcomes.length).toBeGreaterThan(50);
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    expect(outcomes.filter((o) => !o.complete)).toEqual([]);
    // Every answer inside the provider budget, with room to spare for scheduling.
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(2500);

    const after = await getJson(`${gateway.url}/health`);
    expect(after.body.details.cache).toMatchObject({ status: 'up', backend: 'redis' });
    // The restarted (empty) Redis holds the catalogs again: writes resumed without a restart of the gateway.
    await getJson(`${gateway.url}/images?refresh=true&limit=1`);
    await sleep(200);
    const probe = testRedisClient(redis.port);
    try {
      const keys = await probe.keys(`${gateway.keyPrefix}catalog:*`);
      expect(keys.filter((k) => !k.endsWith(':lease')).length).toBe(VENDORS.length);
    } finally {
      await probe.quit();
    }
  });
});

describe('two gateway processes sharing one Redis', () => {
  let sim: RunningSim;
  let admin: SimAdmin;
  const processes: GatewayProcess[] = [];
  const prefixes: string[] = [];
  beforeAll(async () => {
    // Each vendor page takes a while, so concurrent cold requests really overlap.
    sim = await startSim({ latencyMs: 150 });
    admin = new SimAdmin(sim);
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    const redis = testRedisClient();
    for (const prefix of prefixes) await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
    await sim.close();
  });

  async function coldRun(replicas: number): Promise<{ requests: Record<string, number>; statuses: number[] }> {
    const prefix = uniquePrefix('replicas');
    prefixes.push(prefix);
    const env = { ...simEnv(sim), REDIS_URL: testRedisUrl(), CACHE_KEY_PREFIX: prefix, PROVIDER_TIMEOUT_MS: '5000', LOG_LEVEL: 'warn', SHUTDOWN_DELAY_MS: '0' };
    const started = await Promise.all(Array.from({ length: replicas }, () => spawnGateway(env)));
    processes.push(...started);
    await admin.resetStats();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => getJson(`${started[i % replicas].url}/images?limit=3`)));
    const requests = await upstreamRequests(admin);
    await Promise.all(started.map((p) => p.kill('SIGTERM')));
    return { requests, statuses: answers.map((a) => a.status) };
  }

  it('makes as many upstream requests for 40 concurrent cold requests as one process does', async () => {
    const single = await coldRun(1);
    const pair = await coldRun(2);
    expect(single.statuses.every((s) => s === 200)).toBe(true);
    expect(pair.statuses.every((s) => s === 200)).toBe(true);
    expect(Object.values(single.requests).every((n) => n > 0)).toBe(true);
    expect(pair.requests).toEqual(single.requests);
  });
});

describe('graceful shutdown', () => {
  let sim: RunningSim;
  let admin: SimAdmin;
  beforeAll(async () => {
    sim = await startSim();
    admin = new SimAdmin(sim);
  });
  afterAll(async () => {
    await admin.clearFaults();
    await sim.close();
  });

  it('on SIGTERM turns readiness to 503, finishes the slow request in flight, closes cleanly and exits 0', async () => {
    const prefix = uniquePrefix('shutdown');
    const gateway = await spawnGateway({ ...simEnv(sim), REDIS_URL: testRedisUrl(), CACHE_KEY_PREFIX: prefix, SHUTDOWN_DELAY_MS: '400', PROVIDER_TIMEOUT_MS: '5000' });
    try {
      await admin.fault('cecstack', { kind: 'latency', latencyMs: 1500 });
      const slow = getJson(`${gateway.url}/images?provider=cecstack&limit=2`);
      await sleep(300);
      gateway.child.kill('SIGTERM');
      await sleep(100);
      expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(503);
      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(answer.body.items).toHaveLength(2);
      const exitCode = await gateway.exited;
      if (exitCode !== 0) console.log(gateway.lines.join('\n'));
      expect(exitCode).toBe(0);
      const closed = gateway.lines.map((line) => { try { return JSON.parse(line) as { msg?: string; clean?: boolean }; } catch { return {}; } }).find((l) => l.msg === 'closed');
      expect(closed?.clean).toBe(true);
    } finally {
      await gateway.kill('SIGKILL');
      const redis = testRedisClient();
      await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
    }
  });
});

describe('a sweep of generated bad input', () => {
  let sim: RunningSim;
  let gateway: Gateway;
  beforeAll(async () => {
    sim = await startSim();
    gateway = await startGateway(sim, { redis: false });
    await getJson(`${gateway.url}/images?limit=1`);
  });
  afterAll(async () => {
    await gateway.close();
    await sim.close();
  });

  /** Deterministic, so a failure can be replayed. */
  function seeded(seed: number): () => number {
    let state = seed;
    return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  }

  it('answers hundreds of random query strings and headers with 200s and 400 problems only', async () => {
    const random = seeded(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const keys = ['provider', 'name', 'osType', 'architecture', 'status', 'visibility', 'region', 'sort', 'limit', 'cursor', 'refresh', 'q', '__proto__', 'constructor[prototype]', 'limit[]', 'sort[0]', '名前', ''];
    const values = ['', 'didi', 'huawei,ucloud', 'nope', '-name', 'name', '-createdAt', '0', '-1', '1.5', '201', '1e2', 'NaN', 'Infinity', '0x10', 'true', 'yes', 'null', '[]', '{"a":1}',
      'eyJ2IjoxfQ', 'AAAA', '%ZZ', '%00', '%C0%AF', '\u0000', '\u{1F600}', '北京', 'é'.repeat(500), 'x'.repeat(4000), "' OR 1=1 --", '<img src=x>', '../../etc/passwd'];
    const headerPool: Array<() => [string, string]> = [
      () => ['x-request-id', pick(['', 'ok-id', ' spaces ', 'x'.repeat(5000), '../..', 'é', '\t'])],
      () => ['accept', pick(['application/xml', '*/*', 'text/html;q=0', 'garbage/', ''])],
      () => ['cache-control', pick(['no-cache', 'max-age=-1', 'no-store, no-cache', 'x'.repeat(2000), ''])],
      () => ['accept-encoding', pick(['gzip', 'br;q=2', 'identity;q=0', 'nonsense'])],
      () => ['content-type', pick(['application/json', 'text/plain', 'multipart/form-data; boundary=', ''])],
      () => ['range', pick(['bytes=0-1', 'bytes=-', 'lines=1-2'])],
      () => ['if-none-match', pick(['*', '"abc"', 'W/""'])],
      () => ['authorization', pick(['Bearer x', 'Basic ????', ''])],
      () => ['cookie', 'a='.repeat(pick([1, 100, 1000]))],
      () => [`x-${pick(['a', 'b', 'long'.repeat(20)])}`, pick(['1', 'é', 'x'.repeat(3000)])],
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const pairs = Array.from({ length: Math.floor(random() * 6) }, () => {
        const raw = pick(values);
        return `${encodeURIComponent(pick(keys))}=${raw.startsWith('%') ? raw : encodeURIComponent(raw)}`;
      });
      // Repeated keys on purpose: `limit=1&limit=2` must be refused or read one way, never crash.
      if (random() < 0.2 && pairs.length) pairs.push(pairs[0]);
      const headers = Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => pick(headerPool)()));
      const path = pick(['/images', '/images', '/images', `/images/${encodeURIComponent(pick(values))}`, '/providers']);
      const response = await fetch(`${gateway.url}${path}?${pairs.join('&')}`, { headers });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 200) {
        await response.arrayBuffer();
        continue;
      }
      expect([400, 404]).toContain(response.status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { code: string; requestId?: string };
      expect(['VALIDATION_FAILED', 'NOT_FOUND']).toContain(problem.code);
    }
    expect(statuses.get(200)).toBeGreaterThan(20);
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect([...statuses.keys()].every((status) => [200, 400, 404].includes(status))).toBe(true);
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
  });

  it('answers requests the HTTP parser refuses with a 400 problem too', async () => {
    const { port } = new URL(gateway.url);
    const raw = [
      'GET /images HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n',
      `GET /images HTTP/1.1\r\nHost: x\r\nX-Huge: ${'a'.repeat(20_000)}\r\n\r\n`,
      'GET /images HTTP/9.9\r\n\r\n',
      'BREW /coffee HTCPCP/1.0\r\n\r\n',
      'GET /images HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
      'GET /images HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n',
    ];
    for (const request of raw) {
      const answer = await rawExchange(Number(port), request);
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer.toLowerCase()).toContain('content-type: application/problem+json');
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    }
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
  });
});

function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let answer = '';
    socket.setTimeout(3000, () => socket.destroy(new Error('no answer')));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.connect(port, '127.0.0.1', () => socket.end(request));
  });
}

describe('GET /images/{id} when the exact lookup fails', () => {
  let sim: RunningSim;
  let admin: SimAdmin;
  let gateway: Gateway;
  beforeAll(async () => {
    sim = await startSim();
    admin = new SimAdmin(sim);
    gateway = await startGateway(sim, { redis: false, env: { PROVIDER_TIMEOUT_MS: '500' } });
  });
  afterEach(() => admin.clearFaults());
  afterAll(async () => {
    await gateway.close();
    await sim.close();
  });

  it('answers from the cached catalog when the vendor cannot, and with the vendor problem when the catalog lacks it', async () => {
    const { body } = await getJson(`${gateway.url}/images?provider=cecstack&limit=1`);
    const image = body.items[0] as { id: string; providerImageId: string };
    await admin.fault('cecstack', { kind: 'hang', pathContains: `/images/${image.providerImageId}` });
    const started = performance.now();
    const fallback = await getJson(`${gateway.url}/images/${encodeURIComponent(image.id)}`);
    expect(fallback.status).toBe(200);
    expect(fallback.body.id).toBe(image.id);
    expect(performance.now() - started).toBeLessThan(1500);

    await admin.fault('cecstack', { kind: 'status', httpStatus: 503, pathContains: '/images/img-notincatalog' });
    const missing = await getJson(`${gateway.url}/images/cecstack:img-notincatalog`);
    expect([missing.status, missing.body.code]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
  });
});
