import { PassThrough } from 'node:stream';
import { GatewayError } from '@images/core';
import { EventBus, EventType, StoredEvent, compareStreamIds, isStreamId } from './event-bus';
import { SSE_HEARTBEAT, sseFrame } from './sse';

/** A reader this far behind (bytes written, not yet taken by its socket) is dropped, never buffered without bound. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** What EventSource waits before reconnecting, sent with the first frame. */
const RETRY_MS = 2000;
const FULL_RETRY_SECONDS = 5;

export interface StreamRequest {
  /** Who is counted against EVENTS_MAX_STREAMS_PER_CALLER. */
  tracker: string;
  providers: ReadonlySet<string> | null;
  types: ReadonlySet<EventType> | null;
  lastEventId?: string;
}

/**
 * The open `GET /events` streams of this replica: each a byte stream Fastify sends as the body, fed from the bus,
 * resumed after Last-Event-ID, kept alive by heartbeats, capped per caller, ended when the replica drains.
 */
export class EventStreams {
  private readonly open = new Set<PassThrough>();
  private readonly byCaller = new Map<string, number>();
  private draining = false;

  constructor(
    private readonly bus: EventBus,
    private readonly maxPerCaller: number,
    private readonly heartbeatMs: number,
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** The body of a new stream; 429 when the caller has its streams open already, 503 while draining. */
  async start(request: StreamRequest): Promise<PassThrough> {
    if (this.draining) throw new GatewayError('UPSTREAM_UNAVAILABLE', { detail: 'this replica is shutting down', retryAfterSeconds: 1 });
    const mine = this.byCaller.get(request.tracker) ?? 0;
    if (mine >= this.maxPerCaller) {
      throw new GatewayError('RATE_LIMITED', { detail: `at most ${this.maxPerCaller} event streams at once per caller`, retryAfterSeconds: FULL_RETRY_SECONDS });
    }
    this.byCaller.set(request.tracker, mine + 1);
    const body = new PassThrough();
    this.open.add(body);
    let lastSent: string | null = null;
    // Live events that arrive while the backlog is read wait here; then those the backlog already had are skipped.
    let pending: StoredEvent[] | null = [];
    const wanted = (event: StoredEvent) => (!request.providers || request.providers.has(event.provider)) && (!request.types || request.types.has(event.type));
    const send = (event: StoredEvent) => {
      if (lastSent !== null && compareStreamIds(event.id, lastSent) <= 0) return;
      lastSent = event.id;
      if (wanted(event)) write(sseFrame({ id: event.id, event: event.type, data: event.data }));
    };
    const write = (text: string) => {
      if (body.destroyed || body.writableEnded) return;
      body.write(text);
      if (body.writableLength > MAX_BUFFERED_BYTES) body.destroy();
    };
    const unsubscribe = this.bus.subscribe((event) => (pending ? pending.push(event) : send(event)));
    await this.bus.ready();
    const heartbeat = setInterval(() => write(SSE_HEARTBEAT), this.heartbeatMs);
    heartbeat.unref();
    body.once('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(body);
      const left = (this.byCaller.get(request.tracker) ?? 1) - 1;
      if (left > 0) this.byCaller.set(request.tracker, left);
      else this.byCaller.delete(request.tracker);
    });

    // A comment first: headers and a first byte go out at once, so the caller knows the stream is open.
    write(`retry: ${RETRY_MS}\n${SSE_HEARTBEAT}`);
    try {
      await this.replay(request.lastEventId, send, write, (id) => (lastSent = id));
    } catch (error) {
      body.destroy();
      throw error;
    }
    const waiting = pending;
    pending = null;
    for (const event of waiting) send(event);
    return body;
  }

  /** Ends every stream (the replica drains): callers reconnect to another replica with their Last-Event-ID. */
  endAll(): void {
    this.draining = true;
    for (const body of this.open) body.end();
  }

  private async replay(lastEventId: string | undefined, send: (event: StoredEvent) => void, write: (text: string) => void, resumeFrom: (id: string) => void): Promise<void> {
    if (lastEventId === undefined) return;
    const backlog = isStreamId(lastEventId) ? await this.bus.since(lastEventId) : ({ reset: true, latest: null } as const);
    if ('events' in backlog) {
      resumeFrom(lastEventId);
      for (const event of backlog.events) send(event);
      return;
    }
    // Events may have been lost: the caller lists again, then follows from here (the reset's id).
    if (backlog.latest !== null) resumeFrom(backlog.latest);
    write(sseFrame({ id: backlog.latest ?? undefined, event: 'reset', data: { reason: 'the Last-Event-ID is no longer in the event stream: list again, then follow the events from here' } }));
  }
}
