import type { ImagesClient } from './client';
import { dataOrThrow } from './problems';
import { sleep } from './retry';
import type { Operation, OperationStatus } from './types';

const TERMINAL: ReadonlySet<OperationStatus> = new Set<OperationStatus>(['succeeded', 'failed']);

export interface WaitOptions {
  /** Give up after this long (default 5 minutes): an OperationTimeoutError. */
  timeoutMs?: number;
  /** Between polls once less than a second of the wait is left (default 1000); before that, the gateway waits for changes. */
  intervalMs?: number;
  /** Stops the wait at once; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The operation was still running when the wait's time was up; `last` is what was seen last. */
export class OperationTimeoutError extends Error {
  override readonly name = 'OperationTimeoutError';

  constructor(readonly operationId: string, readonly timeoutMs: number, readonly last: Operation | undefined) {
    super(`operation ${operationId} still ${last?.status ?? 'unread'} after ${timeoutMs} ms`);
  }
}

/** The longest `?wait` the gateway takes. */
const MAX_WAIT_SECONDS = 30;

/**
 * Asks `GET /operations/{id}?wait=N` (the gateway answers when the operation moves) until the operation has `succeeded` or `failed`, and returns it (a failed one carries
 * its problem in `error`). The id is the 202's `operation.id`; a `Location` of `/operations/{id}` is taken too.
 * A non-2xx answer (an unknown id is 404) throws a ProblemError.
 */
export async function waitForOperation(client: ImagesClient, idOrLocation: string, options: WaitOptions = {}): Promise<Operation> {
  const { timeoutMs = 300_000, intervalMs = 1000, signal } = options;
  const id = idOrLocation.startsWith('/operations/') ? decodeURIComponent(idOrLocation.slice('/operations/'.length)) : idOrLocation;
  const deadline = AbortSignal.timeout(timeoutMs);
  const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const ends = Date.now() + timeoutMs;
  let last: Operation | undefined;
  try {
    for (;;) {
      const wait = Math.max(0, Math.min(MAX_WAIT_SECONDS, Math.floor((ends - Date.now()) / 1000)));
      last = await dataOrThrow(client.GET('/operations/{id}', { params: { path: { id }, query: wait > 0 ? { wait } : {} }, signal: stop }));
      if (TERMINAL.has(last.status)) return last;
      // The gateway waited for this answer; only a last short stretch is polled.
      if (wait === 0) await sleep(intervalMs, stop);
    }
  } catch (error) {
    if (deadline.aborted && !signal?.aborted) throw new OperationTimeoutError(id, timeoutMs, last);
    throw error;
  }
}
