import { request, type IncomingHttpHeaders } from 'node:http';
import { parseSseFrame } from '@images/client';

/** One event as read off a `GET /events` stream. */
export interface ReadEvent {
  id?: string;
  event?: string;
  data: any;
}

export interface EventStream {
  status: number;
  headers: IncomingHttpHeaders;
  events: ReadEvent[];
  /** The first event (from `from` on) that `match` accepts; rejects after `timeoutMs`. */
  next(match: (event: ReadEvent) => boolean, timeoutMs?: number): Promise<ReadEvent>;
  /** Resolves when the gateway ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/**
 * Opens `GET /events` with node:http on a socket of its own (agent: false): cutting it closes that socket, so the
 * gateway sees the caller leave at once (an aborted fetch on a pooled socket was seen to linger ~70 s).
 */
export function openEvents(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { agent: false, headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      const events: ReadEvent[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const frame = parseSseFrame(buffer.slice(0, end));
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
          if (frame) events.push({ ...frame, data: frame.data === undefined ? undefined : JSON.parse(frame.data) });
        }
        for (const wake of waiters) wake();
      });
      const ended = new Promise<void>((done) => response.once('close', () => done()));
      const stream: EventStream = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        events,
        ended,
        next(match, timeoutMs = 10_000) {
          return new Promise((found, fail) => {
            const check = () => {
              const hit = events.find(match);
              if (!hit) return;
              cleanup();
              found(hit);
            };
            const timer = setTimeout(() => {
              cleanup();
              fail(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((event) => event.event))}`));
            }, timeoutMs);
            const cleanup = () => {
              clearTimeout(timer);
              waiters.delete(check);
            };
            waiters.add(check);
            check();
          });
        },
        close() {
          outgoing.destroy();
        },
      };
      resolve(stream);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
