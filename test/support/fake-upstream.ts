import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { ProviderDeps, ProviderLogger, UpstreamCallEvent, UpstreamRetryEvent } from '@images/core';

export interface FakeRequest {
  method: string;
  /** Path without the query. */
  path: string;
  /** The raw query string (no `?`). */
  rawQuery: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  /** Never answer (the socket stays open until the server closes). */
  hang?: boolean;
  /** Destroy the socket without an answer. */
  reset?: boolean;
}

export interface FakeUpstream {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on loopback for client tests: the handler decides every answer. */
export async function startFakeUpstream(handler: (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>): Promise<FakeUpstream> {
  const requests: FakeRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const [path, rawQuery = ''] = (req.url ?? '/').split('?', 2);
      const request: FakeRequest = { method: req.method ?? 'GET', path, rawQuery, query: new URLSearchParams(rawQuery), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      const answer = await handler(request);
      if (answer.hang) return;
      if (answer.reset) return req.socket.destroy();
      const body = typeof answer.body === 'string' ? answer.body : answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status ?? 200, { 'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json', ...answer.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Provider deps that record upstream events and log lines, for assertions. */
export function recordingDeps(maxConcurrentRequests = 8): ProviderDeps & { events: UpstreamCallEvent[]; retries: UpstreamRetryEvent[]; logLines: string[] } {
  const events: UpstreamCallEvent[] = [];
  const retries: UpstreamRetryEvent[] = [];
  const logLines: string[] = [];
  const log = (level: string) => (obj: Record<string, unknown>, msg: string) => { logLines.push(JSON.stringify({ level, msg, ...obj })); };
  const logger: ProviderLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return { observer: { onUpstreamCall: (e) => events.push(e), onUpstreamRetry: (e) => retries.push(e) }, logger, maxConcurrentRequests, events, retries, logLines };
}
