import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createImagesClient } from './client';
import { CatalogEvent, parseSseFrame, subscribeEvents } from './events';
import { ProblemError } from './problems';

// subscribeEvents against a real loopback server that plays GET /events: each connection sends the events after the
// Last-Event-ID it was given, two at a time, then ends (as a draining replica does), so the client must reconnect.

const EVENTS = [1, 2, 3, 4, 5].map((n) => ({ id: `${n}-0`, type: 'image.added', data: { provider: 'p', n } }));

describe('subscribeEvents', () => {
  let server: Server;
  let baseUrl: string;
  const seen: IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request.headers);
      if (request.url?.includes('type=bad')) {
        response.writeHead(400, { 'content-type': 'application/problem+json' });
        return response.end(JSON.stringify({ type: '/problems/validation-failed', title: 'bad', status: 400, code: 'VALIDATION_FAILED', retryable: false }));
      }
      const after = EVENTS.findIndex((event) => event.id === request.headers['last-event-id']);
      const next = EVENTS.slice(after + 1, after + 3);
      // Split across writes, one frame cut in the middle, and a heartbeat between.
      const text = `retry: 10\n: heartbeat\n\n${next.map((event) => `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`).join(': heartbeat\n\n')}`;
      response.writeHead(200, { 'content-type': 'text/event-stream', connection: 'close' });
      response.write(text.slice(0, 30));
      setTimeout(() => response.end(text.slice(30)), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('yields each event once across reconnects, sending the last id it had, until stopped', async () => {
    const stop = new AbortController();
    const received: CatalogEvent[] = [];
    for await (const event of subscribeEvents(createImagesClient({ baseUrl, apiKey: 'k' }), { query: { provider: 'p' }, lastEventId: '1-0', signal: stop.signal, reconnectMs: 10 })) {
      received.push(event);
      if (received.length === 4) stop.abort();
    }
    expect(received.map((event) => [event.id, event.type, event.data.n])).toEqual([['2-0', 'image.added', 2], ['3-0', 'image.added', 3], ['4-0', 'image.added', 4], ['5-0', 'image.added', 5]]);
    expect(seen.slice(0, 2).map((headers) => [headers['last-event-id'], headers.authorization])).toEqual([['1-0', 'Bearer k'], ['3-0', 'Bearer k']]);
  });

  it('throws a problem answer (a bad filter, a missing scope) instead of retrying it', async () => {
    const failing = subscribeEvents(createImagesClient({ baseUrl }), { query: { type: 'bad' } });
    await expect(failing.next()).rejects.toThrow('400 VALIDATION_FAILED');
    await expect(subscribeEvents(createImagesClient({ baseUrl }), { query: { type: 'bad' } }).next()).rejects.toBeInstanceOf(ProblemError);
  });

  it('parses frames: data lines joined, comments and unknown fields ignored', () => {
    expect(parseSseFrame('id: 1-0\nevent: x\ndata: a\ndata: b\nfoo: bar')).toEqual({ id: '1-0', event: 'x', data: 'a\nb' });
    expect(parseSseFrame(': heartbeat\nretry: 10')).toBeNull();
  });
});
