import { createHash, randomBytes } from 'node:crypto';
import { GatewayError, type RedisClient } from '@images/core';
import type { Logger } from 'pino';
import { SCOPES, Scope } from '../config/callers-config';
import { Caller } from './caller';

/** What a ticket stands for: the caller who asked for it, until when. */
interface TicketRecord {
  name: string;
  via: Caller['via'];
  scopes: Scope[];
  expiresAtMs: number;
}

const TICKET_PREFIX = 'est_';
const TICKET_SHAPE = /^est_[A-Za-z0-9_-]{43}$/;

export interface IssuedTicket {
  ticket: string;
  expiresAt: Date;
}

/**
 * Short-lived tickets that let a browser's `EventSource` (which sends no headers) open `GET /events` as the caller who
 * asked for the ticket with its key or token. Only a hash of a ticket is stored, in Redis (so any replica takes it) and
 * in this process (so the replica that issued it takes it without a round trip, and while Redis fails). A ticket opens
 * streams until it expires: an `EventSource` reconnects by itself with the same URL.
 */
export class StreamTickets {
  private readonly local = new Map<string, TicketRecord>();

  constructor(
    private readonly redis: RedisClient | null,
    private readonly options: { keyPrefix: string; ttlMs: number; maxLocal?: number },
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new ticket for `caller`, never outliving the credential it was asked with (a JWT's `exp`). */
  async issue(caller: Caller): Promise<IssuedTicket> {
    const ticket = TICKET_PREFIX + randomBytes(32).toString('base64url');
    const expiresAtMs = Math.min(this.now() + this.options.ttlMs, caller.expiresAtMs ?? Infinity);
    // A token taken within the verifier's clock tolerance may be past its `exp` already: no ticket born expired.
    if (expiresAtMs <= this.now()) throw new GatewayError('UNAUTHENTICATED', { detail: 'the token has expired' });
    const record: TicketRecord = { name: caller.name, via: caller.via, scopes: [...caller.scopes], expiresAtMs };
    const hash = hashOf(ticket);
    this.remember(hash, record);
    if (this.redis) {
      try {
        await this.redis.set(this.keyOf(hash), JSON.stringify(record), 'PX', Math.max(1, expiresAtMs - this.now()));
      } catch (error) {
        this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'redis failed to keep a stream ticket: it opens streams on this replica only');
      }
    }
    return { ticket, expiresAt: new Date(expiresAtMs) };
  }

  /**
   * The caller a live ticket stands for; null for a malformed, unknown or expired one. When Redis fails and the ticket
   * is not known here, 503: the ticket may be good, and its caller is not to be counted as guessing.
   */
  async redeem(ticket: string): Promise<Caller | null> {
    if (!TICKET_SHAPE.test(ticket)) return null;
    const hash = hashOf(ticket);
    const record = this.local.get(hash) ?? (await this.fromRedis(hash));
    if (!record || record.expiresAtMs <= this.now()) return null;
    return { name: record.name, via: record.via, scopes: new Set(record.scopes), expiresAtMs: record.expiresAtMs };
  }

  private async fromRedis(hash: string): Promise<TicketRecord | null> {
    if (!this.redis) return null;
    let stored: string | null;
    try {
      stored = await this.redis.get(this.keyOf(hash));
    } catch {
      throw new GatewayError('UPSTREAM_UNAVAILABLE', { detail: 'stream tickets cannot be checked now: the shared store does not answer', retryAfterSeconds: 1 });
    }
    return stored === null ? null : parseRecord(stored);
  }

  private remember(hash: string, record: TicketRecord): void {
    const now = this.now();
    // Kept in the order issued, so the expired ones are mostly at the front.
    for (const [key, kept] of this.local) {
      if (kept.expiresAtMs > now) break;
      this.local.delete(key);
    }
    // Past the bound the oldest goes: it is still in Redis, or its caller asks again.
    if (this.local.size >= (this.options.maxLocal ?? 10_000)) this.local.delete(this.local.keys().next().value!);
    this.local.set(hash, record);
  }

  private keyOf(hash: string): string {
    return `${this.options.keyPrefix}ticket:v1:${hash}`;
  }
}

function hashOf(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}

/** What Redis holds is checked like any input: a record of another shape names nobody. */
function parseRecord(stored: string): TicketRecord | null {
  try {
    const value = JSON.parse(stored) as Partial<TicketRecord>;
    const scopes = Array.isArray(value.scopes) ? value.scopes.filter((scope): scope is Scope => (SCOPES as readonly unknown[]).includes(scope)) : [];
    if (typeof value.name !== 'string' || (value.via !== 'api-key' && value.via !== 'jwt') || typeof value.expiresAtMs !== 'number') return null;
    return { name: value.name, via: value.via, scopes, expiresAtMs: value.expiresAtMs };
  } catch {
    return null;
  }
}
