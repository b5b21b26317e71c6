import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { duplicateForBlocking, type RedisClient } from '@images/core';
import { parseEntry, StreamEntries } from '../events/event-bus';
import type { DeliveryObserver, DispatcherOptions, WebhookDispatcher } from './webhook-dispatcher';
import type { WebhookTarget } from './webhook-targets';

export interface StreamReaderOptions {
  /**
   * An entry pending this long without a touch belongs to a consumer taken for dead, and is taken over (XAUTOCLAIM).
   * Live consumers touch what they hold every `touchIntervalMs`, so this only has to outlast two touches and one
   * attempt's timeout, never a retry's sleep.
   */
  claimMinIdleMs: number;
  /** How often a consumer touches the entries it holds (XCLAIM … JUSTID) and takes over the dead's. */
  touchIntervalMs: number;
  /** One XREADGROUP's wait for new entries. */
  blockMs: number;
}

export const DEFAULT_STREAM_READER_OPTIONS: StreamReaderOptions = { claimMinIdleMs: 30_000, touchIntervalMs: 5_000, blockMs: 5_000 };

/** Entries asked for at most per read: a replica takes its share, not the whole backlog at once. */
const READ_COUNT = 100;
const RETRY_MS = 1000;
/** A consumer with nothing pending that has not read for this long is a replica gone: removed from its group. */
const GONE_CONSUMER_IDLE_MS = 3_600_000;
const PRUNE_EVERY_MS = 600_000;

/** The `webhook-id` of an entry's delivery: the same on every attempt and on every replica. */
export const deliveryIdOf = (streamId: string): string => `dlv_${streamId}`;
/** A receiver's consumer group: group names are not keys, so they need no hash tag. */
export const groupNameOf = (webhook: string): string => `webhook:${webhook}`;

/**
 * Durable webhook deliveries (with Redis): one consumer group per receiver on the events stream, every replica a
 * consumer. An entry is acknowledged once its delivery is settled (a 2xx, or its last failed attempt); until then it
 * is pending on this replica's consumer, and if this replica dies another takes it over after `claimMinIdleMs`.
 */
export class WebhookStreamReader {
  /** Unique per process (per gateway app): a restarted replica is a new consumer, its predecessor a dead one. */
  readonly consumer = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly groups: ReceiverGroup[];
  private closing: Promise<void> | null = null;

  constructor(
    client: RedisClient,
    key: string,
    targets: readonly WebhookTarget[],
    private readonly dispatcher: WebhookDispatcher,
    observer: DeliveryObserver,
    { maxQueued, timeoutMs }: DispatcherOptions,
    options: StreamReaderOptions,
  ) {
    // A live consumer's entry must never look dead: not between two touches, not during one attempt.
    if (options.claimMinIdleMs < 2 * options.touchIntervalMs || options.claimMinIdleMs <= timeoutMs) throw new Error('claimMinIdleMs must exceed two touches and one attempt');
    this.groups = targets.map((target) => new ReceiverGroup({ client, key, consumer: this.consumer, dispatcher, observer, capacity: maxQueued, options }, target));
  }

  /** Creates the groups that do not exist yet (from now on: `$`), then reads. A failure is logged and retried. */
  async start(): Promise<void> {
    await Promise.all(this.groups.map((group) => group.createGroup().catch((error: unknown) => group.warn(error, 'webhook consumer group not created; retrying'))));
    for (const group of this.groups) group.startReading();
  }

  /** Stops reading, lets attempts in flight end (by their timeout), and acknowledges what they settled. */
  close(): Promise<void> {
    return (this.closing ??= this.stop());
  }

  private async stop(): Promise<void> {
    for (const group of this.groups) group.stopReading();
    await this.dispatcher.close();
    await Promise.all(this.groups.map((group) => group.drain()));
  }
}

interface Shared {
  client: RedisClient;
  key: string;
  consumer: string;
  dispatcher: WebhookDispatcher;
  observer: DeliveryObserver;
  /** Entries held per receiver (read, not yet settled): the lane's bound, so it never drops one. */
  capacity: number;
  options: StreamReaderOptions;
}

/** One receiver's group, as this replica's consumer reads it. */
class ReceiverGroup {
  private readonly group: string;
  /** Ids read or taken over, not yet settled: touched while held, so no one takes them over from a live replica. */
  private readonly held = new Set<string>();
  private readonly acks = new Set<Promise<unknown>>();
  private reader: RedisClient | null = null;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private claimCursor = '0-0';
  private maintaining = false;
  private lastPrune = Date.now();
  private closed = false;

  constructor(private readonly shared: Shared, private readonly target: WebhookTarget) {
    this.group = groupNameOf(target.name);
  }

  async createGroup(): Promise<void> {
    try {
      await this.shared.client.xgroup('CREATE', this.shared.key, this.group, '$', 'MKSTREAM');
    } catch (error) {
      // An existing group keeps its position: what was published while the deployment was down is delivered now.
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
  }

  startReading(): void {
    this.reader = duplicateForBlocking(this.shared.client, this.shared.options.blockMs);
    void this.readLoop(this.reader);
    this.timer = setInterval(() => void this.maintain(), this.shared.options.touchIntervalMs);
    this.timer.unref();
  }

  stopReading(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    // A read cut short leaves what it was given pending on this consumer: taken over later, never lost.
    const reader = this.reader;
    this.reader = null;
    reader?.disconnect();
    this.wake?.();
  }

  async drain(): Promise<void> {
    await Promise.all(this.acks);
    if (this.held.size > 0) this.shared.observer.warn({ webhook: this.target.name, pending: this.held.size }, 'webhook deliveries left pending for another replica or the next start');
    else await this.removeSelf();
  }

  warn(error: unknown, message: string): void {
    this.shared.observer.warn({ webhook: this.target.name, err: error instanceof Error ? error.message : String(error) }, message);
  }

  private room(): number {
    return this.shared.capacity - this.held.size;
  }

  private async readLoop(reader: RedisClient): Promise<void> {
    const { key, consumer, options } = this.shared;
    while (!this.closed) {
      // Backpressure: no more than the lane can hold, the rest stays in the stream for this or another replica.
      const room = this.room();
      if (room <= 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      try {
        const answer = (await reader.xreadgroup('GROUP', this.group, consumer, 'COUNT', Math.min(room, READ_COUNT), 'BLOCK', options.blockMs, 'STREAMS', key, '>')) as Array<[string, StreamEntries]> | null;
        if (!this.closed) this.take(answer?.[0]?.[1] ?? []);
      } catch (error) {
        if (this.closed) return;
        // The stream was deleted (and the group with it), or Redis was down at start-up.
        if (error instanceof Error && error.message.startsWith('NOGROUP')) await this.createGroup().catch(() => undefined);
        else this.warn(error, 'webhook stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** Hands the entries to the lane; acknowledges at once those it does not deliver (another type, unreadable). */
  private take(entries: StreamEntries): void {
    const skipped: string[] = [];
    for (const [id, fields] of entries) {
      if (this.held.has(id)) continue;
      const event = parseEntry(id, fields);
      if (!event || !this.target.events.has(event.type)) {
        skipped.push(id);
        continue;
      }
      // Past the lane's bound (a read and a takeover raced): left untouched, so it is taken over after claimMinIdleMs.
      if (this.held.size >= this.shared.capacity) continue;
      this.held.add(id);
      this.shared.dispatcher.dispatchTo(this.target.name, { id, type: event.type, data: event.data }, { id: deliveryIdOf(id), settled: () => this.settle(id) });
    }
    if (skipped.length > 0) this.ack(skipped);
  }

  private settle(id: string): void {
    this.ack([id]);
    this.held.delete(id);
    this.wake?.();
    this.wake = null;
  }

  private ack(ids: string[]): void {
    const { client, key } = this.shared;
    const ack = client.xack(key, this.group, ...ids).catch((error: unknown) => this.warn(error, 'webhook delivery not acknowledged: it will be delivered again'));
    this.acks.add(ack);
    void ack.finally(() => this.acks.delete(ack));
  }

  /** Touches what this consumer holds, then takes over entries left by dead consumers, as many as there is room for. */
  private async maintain(): Promise<void> {
    if (this.maintaining || this.closed) return;
    this.maintaining = true;
    const { client, key, consumer } = this.shared;
    try {
      // JUSTID: the idle time is reset, the delivery count is not raised.
      if (this.held.size > 0) await client.call('XCLAIM', key, this.group, consumer, 0, ...this.held, 'JUSTID');
      const room = this.room();
      if (room > 0 && !this.closed) await this.claim(room);
      if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) await this.pruneGone();
    } catch (error) {
      this.warn(error, 'webhook pending entries not maintained; retrying');
    } finally {
      this.maintaining = false;
    }
  }

  private async claim(room: number): Promise<void> {
    const { client, key, consumer, options, observer } = this.shared;
    const [next, entries, deleted = []] = (await client.xautoclaim(key, this.group, consumer, options.claimMinIdleMs, this.claimCursor, 'COUNT', room)) as [string, StreamEntries, string[]?];
    this.claimCursor = next;
    // Trimmed from the stream before anyone delivered them (Redis 7 lists them apart, 6.2 with null fields).
    const gone = [...deleted, ...entries.filter(([, fields]) => fields === null).map(([id]) => id)];
    if (gone.length > 0) {
      gone.forEach(() => observer.onDelivery(this.target.name, 'dropped'));
      observer.warn({ webhook: this.target.name, dropped: gone.length }, 'pending webhook deliveries trimmed from the stream before delivery');
      this.ack(gone);
    }
    // Its own entries come back only if a touch failed: they are still in its lane.
    const live = entries.filter(([id, fields]) => fields !== null && !this.held.has(id));
    if (live.length > 0) observer.warn({ webhook: this.target.name, claimed: live.length }, 'webhook deliveries taken over from a replica gone quiet');
    if (!this.closed) this.take(live);
  }

  /** Consumers of replicas gone long ago with nothing pending; a live one reads every blockMs, so it is never idle this long. */
  private async pruneGone(): Promise<void> {
    this.lastPrune = Date.now();
    const { client, key } = this.shared;
    const consumers = (await client.xinfo('CONSUMERS', key, this.group)) as unknown[][];
    for (const fields of consumers) {
      const info = Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [String(fields[2 * i]), fields[2 * i + 1]]));
      if (Number(info.pending) === 0 && Number(info.idle) > GONE_CONSUMER_IDLE_MS) await client.xgroup('DELCONSUMER', key, this.group, String(info.name));
    }
  }

  /** At shutdown with nothing pending here, this consumer is removed (DELCONSUMER would drop its pending entries). */
  private async removeSelf(): Promise<void> {
    const { client, key, consumer } = this.shared;
    try {
      const mine = (await client.xpending(key, this.group, '-', '+', 1, consumer)) as unknown[];
      if (mine.length === 0) await client.xgroup('DELCONSUMER', key, this.group, consumer);
    } catch {
      // Left in the group: pruned later by a replica that sees it gone.
    }
  }
}
