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
