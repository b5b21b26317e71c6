import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { Operation } from '@images/core';
import { ProviderCalls } from '../catalog/provider-calls';
import { EventPublisher } from '../events/event-publisher';
import { matchesIfNoneMatch } from '../images/http-caching';
import { ProviderDirectory } from '../providers/provider-directory';

/** Operations this replica has seen finish: their catalog was invalidated once, not on every later poll. */
const SETTLED_MEMORY = 1000;
/** How often a waiting request asks the vendor again: one call a second per waiting caller at most. */
export const WAIT_POLL_MS = 1000;

/** An operation and its weak ETag; a null operation means the caller's copy (If-None-Match) is current: 304. */
export interface OperationAnswer {
  operation: Operation | null;
  etag: string;
}

export interface OperationRead {
  requestId: string;
  /** Seconds to wait for a change (`?wait=N`); 0 or absent: answer at once. */
  waitSeconds?: number;
  ifNoneMatch?: string;
  /** The caller went away: stop waiting and polling. */
  cancel?: AbortSignal;
}

/** `GET /operations/{id}`: a vendor job, polled at its provider; with `wait`, polled here until it moves. */
@Injectable()
export class OperationsService {
  private readonly settled = new Set<string>();
  /** The waits' polls, shared by every request waiting on the same operation: one vendor call a second per job. */
  private readonly waitPolls = new Map<string, Promise<Operation>>();

  constructor(
    private readonly directory: ProviderDirectory,
    private readonly calls: ProviderCalls,
    private readonly events: EventPublisher,
  ) {}

  async get(id: string, read: OperationRead): Promise<OperationAnswer> {
    const { provider, localId } = this.directory.owner(id, 'operation');
    const poll = async (cancel?: AbortSignal) => {
      const operation = await this.calls.read(provider, 'getOperation', read.requestId, (getOperation, ctx) => getOperation(localId, ctx), cancel);
      this.events.operationSeen(provider.id, operation, operationEtag(operation));
      if (operation.status !== 'running') await this.onSettled(provider.id, id);
      return operation;
    };
    let operation = await poll(read.cancel);
    let etag = operationEtag(operation);
    // What counts as a change: from the caller's copy when it names one, else from the state at the request.
    const known = read.ifNoneMatch ?? etag;
    const until = performance.now() + (read.waitSeconds ?? 0) * 1000;
    while (operation.status === 'running' && matchesIfNoneMatch(known, etag) && performance.now() < until && !read.cancel?.aborted) {
      const stillWaiting = await sleep(Math.min(WAIT_POLL_MS, until - performance.now()), true, { signal: read.cancel }).catch(() => false);
      if (!stillWaiting) break;
      operation = await this.sharedPoll(id, poll);
      etag = operationEtag(operation);
    }
    return { operation: matchesIfNoneMatch(read.ifNoneMatch, etag) ? null : operation, etag };
  }

  /** Joins a poll of this operation made in the last half interval, else makes one (not cut by any one caller leaving). */
  private sharedPoll(id: string, poll: () => Promise<Operation>): Promise<Operation> {
    const recent = this.waitPolls.get(id);
    if (recent) return recent;
    const made = poll();
    this.waitPolls.set(id, made);
    const forget = () => setTimeout(() => this.waitPolls.get(id) === made && this.waitPolls.delete(id), WAIT_POLL_MS / 2).unref();
    made.then(forget, forget);
    return made;
  }

  /**
   * A job that has just finished changed the catalog (an image became available, or failed): the next list
   * must show it, as after any write.
   */
  private async onSettled(providerId: string, id: string): Promise<void> {
    if (this.settled.has(id)) return;
    this.settled.add(id);
    if (this.settled.size > SETTLED_MEMORY) this.settled.delete(this.settled.values().next().value!);
    await this.calls.invalidate(providerId, 'an operation finished');
  }
}

/** Weak: from the operation's content, so any change of status, progress or outcome changes it. */
export function operationEtag(operation: Operation): string {
  return `W/"${createHash('sha256').update(JSON.stringify(operation)).digest('base64url').slice(0, 27)}"`;
}
