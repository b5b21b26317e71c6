import { randomUUID } from 'node:crypto';
import type { EventType } from '../events/event-bus';
import type { WebhookTarget } from './webhook-targets';
import { webhookHeaders } from './webhook-signature';

/** An event as the gateway emits it: its stream id, type and what changed. */
export interface WebhookEvent {
  id: string;
  type: EventType;
  data: unknown;
}

export type DeliveryOutcome = 'delivered' | 'retried' | 'failed' | 'dropped';

export interface DispatcherOptions {
  /** Before attempt n+1 (n from 1): `retryBaseMs * 2^(n-1)`, capped by `retryMaxMs`, with ±20% jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts per delivery, the first included; then it is counted as failed. */
  maxAttempts: number;
  /** One attempt's whole exchange, headers and body: a hanging receiver costs this much, never more. */
  timeoutMs: number;
  /** Deliveries waiting per receiver; past it the oldest is dropped (counted), so a dead receiver cannot grow memory. */
  maxQueued: number;
  /** Attempts in flight per receiver. */
  concurrency: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = { retryBaseMs: 1000, retryMaxMs: 300_000, maxAttempts: 10, timeoutMs: 5000, maxQueued: 1000, concurrency: 4 };

export interface DeliveryObserver {
  onDelivery(webhook: string, outcome: DeliveryOutcome): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** A delivery read from the Redis stream: it outlives this process, so its id and its end are the reader's. */
export interface DurableDelivery {
  /** The `webhook-id`, derived from the stream entry: the same on every attempt and on every replica. */
  id: string;
  /** Delivered (2xx) or failed (attempts spent): the entry may be acknowledged. Not called for one left at close. */
  settled(outcome: 'delivered' | 'failed'): void;
}

interface Delivery {
  id: string;
  body: string;
  attempt: number;
  settled?: DurableDelivery['settled'];
}

/**
 * Signed deliveries to the receivers of WEBHOOKS_FILE, retried with backoff until a 2xx or maxAttempts, each under one
 * `webhook-id` across its attempts, and never on the path of the request that caused the event: it only queues.
 * `dispatch`: at least once while the process lives (no Redis). `dispatchTo`: a stream entry, which the reader
 * acknowledges when it is settled (webhook-stream-reader.ts).
 */
export class WebhookDispatcher {
  private readonly lanes: Lane[];

  constructor(targets: readonly WebhookTarget[], private readonly observer: DeliveryObserver, private readonly options: DispatcherOptions = DEFAULT_DISPATCHER_OPTIONS) {
    this.lanes = targets.map((target) => new Lane(target, observer, options));
  }

  dispatch(event: WebhookEvent): void {
    for (const lane of this.lanes) if (lane.target.events.has(event.type)) lane.push(event);
  }

  /** One receiver's delivery of a stream entry (the reader filtered it by type and bounds what it hands over). */
  dispatchTo(webhook: string, event: WebhookEvent, durable: DurableDelivery): void {
    this.lanes.find((lane) => lane.target.name === webhook)?.push(event, durable);
  }

  /**
   * Stops retrying; resolves once the attempts in flight have ended (by their timeout at worst). What is still queued
   * is lost (logged), but a durable delivery, which stays pending in the stream for another replica.
   */
  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.close()));
  }
}

/** One receiver's queue: its own concurrency and backoff, so a slow receiver never delays another. */
class Lane {
  private readonly queue: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(readonly target: WebhookTarget, private readonly observer: DeliveryObserver, private readonly options: DispatcherOptions) {}

  push(event: WebhookEvent, durable?: DurableDelivery): void {
    if (this.closed) return;
    const body = JSON.stringify({ id: event.id, type: event.type, data: event.data });
    this.enqueue({ id: durable?.id ?? `dlv_${randomUUID()}`, body, attempt: 1, settled: durable?.settled });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    const lost = this.queue.filter((delivery) => !delivery.settled).length;
    if (lost > 0) this.observer.warn({ webhook: this.target.name, queued: lost }, 'webhook deliveries not sent before shutdown');
    this.queue.length = 0;
    await Promise.all(this.inFlight);
  }

  private enqueue(delivery: Delivery): void {
    if (this.queue.length >= this.options.maxQueued) {
      this.queue.shift();
      this.observer.onDelivery(this.target.name, 'dropped');
    }
    this.queue.push(delivery);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.inFlight.size < this.options.concurrency && this.queue.length > 0) {
      const attempt: Promise<void> = this.attempt(this.queue.shift()!).finally(() => {
        this.inFlight.delete(attempt);
        this.pump();
      });
      this.inFlight.add(attempt);
    }
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const failure = await this.send(delivery);
    if (failure === null) {
      this.observer.onDelivery(this.target.name, 'delivered');
      return delivery.settled?.('delivered');
    }
    // Closing: a durable delivery stays pending, and another replica (or the next start) tries it again.
    if (this.closed && delivery.settled) return this.observer.onDelivery(this.target.name, 'retried');
    if (delivery.attempt >= this.options.maxAttempts || this.closed) {
      this.observer.onDelivery(this.target.name, 'failed');
      delivery.settled?.('failed');
      this.observer.warn({ webhook: this.target.name, delivery: delivery.id, attempts: delivery.attempt, reason: failure }, 'webhook delivery given up');
      return;
    }
    this.observer.onDelivery(this.target.name, 'retried');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue({ ...delivery, attempt: delivery.attempt + 1 });
    }, this.backoffMs(delivery.attempt));
    timer.unref();
    this.timers.add(timer);
  }

  /** Null when the receiver took it (2xx), else why not. Redirects are not followed: a receiver answers itself. */
  private async send(delivery: Delivery): Promise<string | null> {
    const headers = { 'content-type': 'application/json', ...webhookHeaders(this.target.secret, delivery.id, Math.floor(Date.now() / 1000), delivery.body) };
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await fetch(this.target.url, { method: 'POST', headers, body: delivery.body, redirect: 'manual', signal: deadline });
      // Read (and drop) the answer within the same timeout, so the socket is free for the next delivery.
      await response.arrayBuffer();
      return response.status >= 200 && response.status < 300 ? null : `status ${response.status}`;
    } catch {
      return deadline.aborted ? `no answer within ${this.options.timeoutMs} ms` : 'unreachable';
    }
  }

  private backoffMs(failedAttempt: number): number {
    const base = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (failedAttempt - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}
