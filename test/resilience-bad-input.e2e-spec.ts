import { Socket } from 'node:net';
import { getJson, startGateway } from './support/stack';
import { useSimAndGateway } from './support/suite-setup';

// Resilience to bad input: hundreds of generated query strings and headers, and raw requests the HTTP parser refuses.

describe('a sweep of generated bad input', () => {
  const suite = useSimAndGateway({}, (sim) => startGateway(sim, { redis: false }));
  beforeAll(async () => {
    await getJson(`${suite.gateway.url}/images?limit=1`);
  });

  /** Deterministic, so a failure can be replayed. */
  function seeded(seed: number): () => number {
    let state = seed;
    return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  }

  // 400 requests, some of them refreshes of every vendor (no-cache, and fetch() adds it beside If-None-Match): slow on a loaded machine.
  it('answers hundreds of random query strings and headers with 200s, 304s to If-None-Match: * and 400 problems only', async () => {
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
      const response = await fetch(`${suite.gateway.url}${path}?${pairs.join('&')}`, { headers });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 200) {
        await response.arrayBuffer();
        continue;
      }
      // `If-None-Match: *` matches any current answer (RFC 9110 13.1.2): 304, no body.
      if (response.status === 304 && headers['if-none-match'] === '*') {
        expect(await response.text()).toBe('');
        continue;
      }
      expect([400, 404]).toContain(response.status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { code: string; requestId?: string };
      expect(['VALIDATION_FAILED', 'NOT_FOUND']).toContain(problem.code);
    }
    expect(statuses.get(200)).toBeGreaterThan(20);
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect([...statuses.keys()].every((status) => [200, 304, 400, 404].includes(status))).toBe(true);
    expect((await fetch(`${suite.gateway.url}/health/live`)).status).toBe(200);
  }, 90_000);

  it('answers requests the HTTP parser refuses with a 400 problem too', async () => {
    const { port } = new URL(suite.gateway.url);
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
    expect((await fetch(`${suite.gateway.url}/health/live`)).status).toBe(200);
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
