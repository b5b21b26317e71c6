import { recordingDeps, startFakeUpstream } from '@images/testing';
import { UpstreamHttp } from './upstream-http';

describe('UpstreamHttp bulkhead', () => {
  it('never has more requests in flight to one vendor than its pool', async () => {
    let inFlight = 0;
    let peak = 0;
    const upstream = await startFakeUpstream(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight--;
      return { body: { ok: true } };
    });
    try {
      const deps = recordingDeps();
      const http = new UpstreamHttp({ provider: 'p', baseUrl: upstream.url, observer: deps.observer, logger: deps.logger, maxSockets: 3 });
      const answers = await Promise.all(Array.from({ length: 30 }, () => http.call({ operation: 'op', method: 'GET', path: '/x', signal: AbortSignal.timeout(5000) }, (r) => r.json)));
      expect(answers).toHaveLength(30);
      expect(peak).toBe(3);
    } finally {
      await upstream.close();
    }
  });
});

describe('UpstreamHttp download pool', () => {
  it('keeps API calls flowing while downloads hold every socket of their own pool', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      if (req.url === '/file') {
        // A download that never finishes: headers and one chunk, then silence.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(Buffer.alloc(1024));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const deps = recordingDeps();
    const http = new UpstreamHttp({ provider: 'p', baseUrl: `http://127.0.0.1:${port}`, observer: deps.observer, logger: deps.logger, maxSockets: 1, maxStreams: 2 });
    const downloads = new AbortController();
    try {
      const streams = await Promise.all([1, 2].map(() => http.stream({ operation: 'file', method: 'GET', path: '/file', signal: downloads.signal }, () => { throw new Error('not an error answer'); })));
      expect(streams.map((s) => s.status)).toEqual([200, 200]);
      const started = performance.now();
      await expect(http.call({ operation: 'list', method: 'GET', path: '/list', signal: AbortSignal.timeout(2000) }, (r) => r.json)).resolves.toEqual({ ok: true });
      expect(performance.now() - started).toBeLessThan(500);
    } finally {
      downloads.abort();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
