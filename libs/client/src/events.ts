import type { ImagesClient } from './client';
import { ProblemError, isProblem } from './problems';
import { sleep } from './retry';
import type { paths } from './schema';

/** `GET /events` filters. */
export type EventsQuery = NonNullable<paths['/events']['get']['parameters']['query']>;
export type CatalogEventType = 'image.added' | 'image.changed' | 'image.removed' | 'operation.updated' | 'provider.degraded' | 'provider.recovered';

/** One event of `GET /events`; `reset` means events may have been missed: list again (docs/API.md section 9). */
export interface CatalogEvent {
  id: string | undefined;
  type: CatalogEventType | 'reset';
  data: { provider?: string; [field: string]: unknown };
}

export interface SubscribeOptions {
  query?: EventsQuery;
  /** Resume after this event (the last id the caller handled). */
  lastEventId?: string;
  /** Ends the subscription: the iteration returns. */
  signal?: AbortSignal;
  /** Before reconnecting after the stream ended or failed (default 1000). */
  reconnectMs?: number;
}

/** One SSE frame (the text between blank lines): its fields, `data` lines joined; null for comments only. */
export function parseSseFrame(text: string): { id?: string; event?: string; data?: string } | null {
  const frame: { id?: string; event?: string; data?: string } = {};
  let seen = false;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
    else if (field === 'id' || field === 'event') frame[field] = value;
    else continue;
    seen = true;
  }
  return seen ? frame : null;
}

/**
 * The catalog's changes as they happen, reconnecting with Last-Event-ID whenever the stream ends (a replica draining,
 * a network cut), so none is missed while the gateway still holds it. A problem answer (401, 403, 400) throws a
 * ProblemError; 429 and 503 are retried by the client's fetch as any call is.
 */
export async function* subscribeEvents(client: ImagesClient, options: SubscribeOptions = {}): AsyncGenerator<CatalogEvent> {
  const { query, signal, reconnectMs = 1000 } = options;
  let lastEventId = options.lastEventId;
  while (!signal?.aborted) {
    try {
      const { data, error, response } = await client.GET('/events', {
        params: { query, header: lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId } },
        parseAs: 'stream',
        signal,
      });
      if (!response.ok) throw new ProblemError(response.status, isProblem(error) ? error : undefined, response);
      for await (const event of readEvents(data as unknown as ReadableStream<Uint8Array>, signal)) {
        if (event.id !== undefined) lastEventId = event.id;
        yield event;
      }
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof ProblemError) throw error;
    }
    if (signal?.aborted) return;
    await sleep(reconnectMs, signal).catch(() => undefined);
  }
}

/** The events of one connection; a stop (the signal) cancels the read at once, even between two chunks. */
async function* readEvents(body: ReadableStream<Uint8Array>, signal: AbortSignal | undefined): AsyncGenerator<CatalogEvent> {
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    while (!signal?.aborted) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: RegExpExecArray | null;
      while ((end = /\r?\n\r?\n/.exec(buffer))) {
        const frame = parseSseFrame(buffer.slice(0, end.index));
        buffer = buffer.slice(end.index + end[0].length);
        if (frame?.data !== undefined) yield { id: frame.id, type: (frame.event ?? 'message') as CatalogEvent['type'], data: JSON.parse(frame.data) as CatalogEvent['data'] };
      }
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    cancel();
  }
}
