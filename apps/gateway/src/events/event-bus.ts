import { duplicateForBlocking, type RedisClient } from '@images/core';
import type { Logger } from 'pino';

export const EVENT_TYPES = ['image.added', 'image.changed', 'image.removed', 'operation.updated', 'provider.degraded', 'provider.recovered'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** A catalog change as published: its type, its provider (for the `provider` filter) and what changed. */
export interface GatewayEvent {
  type: EventType;
  provider: string;
  data: Record<string, unknown>;
}

/** An event as read back: its id is the stream id (`{ms}-{seq}`), the SSE `id` and `Last-Event-ID`. */
export interface StoredEvent extends GatewayEvent {
  id: string;
}

/** The events after an id, or a reset when that id is no longer held (trimmed, or never issued). */
export type Backlog = { events: StoredEvent[] } | { reset: true; latest: string | null };

export type EventListener = (event: StoredEvent) => void;

/**
 * Where events go and whence every replica reads them: a Redis stream shared by the deployment, or this process alone
 * without Redis. `subscribe` is the in-process hook (SSE streams, and webhooks later).
 */
export interface EventBus {
  /** The events as stored, with their ids, in order. */
  publish(events: readonly GatewayEvent[]): Promise<StoredEvent[]>;
  /** Every event published from now on, by any replica; the returned function unsubscribes. */
  subscribe(listener: EventListener): () => void;
  /** Resolves once events published from now on reach the subscribers (the reader knows where it starts). */
  ready(): Promise<void>;
  since(id: string): Promise<Backlog>;
  close(): Promise<void>;
}

const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

export function isStreamId(id: string): boolean {
  return STREAM_ID.test(id);
}

/** Stream ids in order: negative, zero or positive. */
export function compareStreamIds(a: string, b: string): number {
  const [, aMs, aSeq] = STREAM_ID.exec(a)!;
  const [, bMs, bSeq] = STREAM_ID.exec(b)!;
  const ms = BigInt(aMs) - BigInt(bMs);
  const delta = ms !== 0n ? ms : BigInt(aSeq) - BigInt(bSeq);
  return delta < 0n ? -1 : delta > 0n ? 1 : 0;
}

class Listeners {
  private readonly all = new Set<EventListener>();

  add(listener: EventListener): () => void {
    this.all.add(listener);
    return () => this.all.delete(listener);
  }

  get size(): number {
    return this.all.size;
  }

  emit(event: StoredEvent): void {
    for (const listener of this.all) listener(event);
  }
}

/** Without Redis: the last `maxLength` events in memory, ids made like Redis makes them. */
export class MemoryEventBus implements EventBus {
  private readonly events: StoredEvent[] = [];
  private readonly listeners = new Listeners();
  private lastMs = 0;
  private seq = 0;

  constructor(private readonly maxLength: number) {}

  async publish(events: readonly GatewayEvent[]): Promise<StoredEvent[]> {
    return events.map((event) => {
      const now = Date.now();
      if (now > this.lastMs) [this.lastMs, this.seq] = [now, 0];
      else this.seq++;
      const stored = { ...event, id: `${this.lastMs}-${this.seq}` };
      this.events.push(stored);
      if (this.events.length > this.maxLength) this.events.shift();
      this.listeners.emit(stored);
      return stored;
    });
  }

  subscribe(listener: EventListener): () => void {
    return this.listeners.add(listener);
  }

  async ready(): Promise<void> {}

  async since(id: string): Promise<Backlog> {
    const at = this.events.findIndex((event) => event.id === id);
    if (at < 0) return { reset: true, latest: this.events.at(-1)?.id ?? null };
    return { events: this.events.slice(at + 1) };
  }

  async close(): Promise<void> {}
}

const READ_BLOCK_MS = 5000;
const READ_COUNT = 500;
const RETRY_MS = 1000;

/** Entries as XRANGE, XREAD and XREADGROUP answer; XAUTOCLAIM on Redis 6.2 gives null fields for a deleted one. */
export type StreamEntries = Array<[id: string, fields: string[] | null]>;

/** The deployment's stream: one hash tag with the published catalogs, so a Redis Cluster serves them from one slot. */
export function eventStreamKey(prefix: string): string {
  return `${prefix}{events}:stream`;
}

/**
 * A Redis stream per deployment (`{prefix}{events}:stream`, one hash slot), trimmed to `maxLength` on every XADD.
 * Each replica reads it with a blocking XREAD on a connection of its own, started by the first subscriber, and hands
 * each event to its listeners; only single-key stream commands, so it runs on Redis Cluster too.
 */
export class RedisEventBus implements EventBus {
  private readonly listeners = new Listeners();
  private reader: RedisClient | null = null;
  /** The id the reader starts after, once known. */
  private start: Promise<string> | null = null;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly key: string,
    private readonly maxLength: number,
    private readonly logger: Logger,
  ) {}

  async publish(events: readonly GatewayEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const event of events) pipeline.xadd(this.key, 'MAXLEN', this.maxLength, '*', 'e', JSON.stringify(event));
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
    return events.map((event, index) => ({ ...event, id: String(results[index][1]) }));
  }

  subscribe(listener: EventListener): () => void {
    const unsubscribe = this.listeners.add(listener);
    if (!this.reader && !this.closed) this.startReading();
    return unsubscribe;
  }

  async ready(): Promise<void> {
    await this.start?.catch(() => undefined);
  }

  async since(id: string): Promise<Backlog> {
    // The id itself must still be held: if it was trimmed, so may have been the events after it.
    const [held] = (await this.client.xrange(this.key, id, id)) as StreamEntries;
    if (!held) {
      const [latest] = (await this.client.xrevrange(this.key, '+', '-', 'COUNT', 1)) as StreamEntries;
      return { reset: true, latest: latest?.[0] ?? null };
    }
    return { events: parseEntries((await this.client.xrange(this.key, `(${id}`, '+')) as StreamEntries) };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reader?.disconnect();
    this.reader = null;
  }

  private startReading(): void {
    const reader = duplicateForBlocking(this.client, READ_BLOCK_MS);
    this.reader = reader;
    // From the stream's last id (not `$`, which would skip what is added between two reads).
    this.start = this.latestId();
    void this.readLoop(reader);
  }

  private async readLoop(reader: RedisClient): Promise<void> {
    let last: string | null = null;
    while (!this.closed) {
      try {
        last ??= await (this.start ??= this.latestId()).catch((error: unknown) => {
          this.start = null;
          throw error;
        });
        const answer = (await reader.xread('COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', this.key, last)) as Array<[string, StreamEntries]> | null;
        for (const event of parseEntries(answer?.[0]?.[1] ?? [])) {
          last = event.id;
          this.listeners.emit(event);
        }
      } catch (error) {
        if (this.closed) return;
        this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'event stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  private async latestId(): Promise<string> {
    const [latest] = (await this.client.xrevrange(this.key, '+', '-', 'COUNT', 1)) as StreamEntries;
    return latest?.[0] ?? '0-0';
  }
}

function parseEntries(entries: StreamEntries): StoredEvent[] {
  return entries.map(([id, fields]) => parseEntry(id, fields)).filter((event) => event !== null);
}

/** An entry as published, or null when this build cannot read it (skipped, never fatal to the stream). */
export function parseEntry(id: string, fields: string[] | null): StoredEvent | null {
  const at = fields?.indexOf('e') ?? -1;
  if (at < 0) return null;
  try {
    return { ...(JSON.parse(fields![at + 1]) as GatewayEvent), id };
  } catch {
    return null;
  }
}
