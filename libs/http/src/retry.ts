import { ExponentialBackoff, IBackoff, decorrelatedJitterGenerator } from 'cockatiel';
import { GatewayError } from '@images/core';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 2_000 };

/** An attempt needs at least this much of the budget left to be worth starting. */
const MIN_ATTEMPT_MS = 50;

/**
 * Failures of an idempotent read that another attempt may cure: throttling (Huawei 429, UCloud 153),
 * unavailability (503, UCloud 150, refused or reset sockets) and a vendor's 5xx. A budget timeout,
 * a cancelled call, bad credentials or an answer the gateway cannot read are final.
 */
export function isRetryableRead(error: GatewayError): boolean {
  if (error.code === 'RATE_LIMITED' || error.code === 'UPSTREAM_UNAVAILABLE') return true;
  return error.code === 'UPSTREAM_ERROR' && (error.upstream?.status ?? 0) >= 500;
}

/**
 * The wait before the next attempt: exponential backoff with decorrelated jitter (cockatiel), never shorter than
 * the vendor's Retry-After. Null when the wait would not leave room for another attempt inside the budget
 * (`deadline`, a performance.now() time), or, without a known budget, when the vendor asks for more than `maxDelayMs`.
 */
export class RetrySchedule {
  private backoff: IBackoff<unknown> | undefined;
  private readonly factory: ExponentialBackoff<[number, number]>;

  constructor(private readonly policy: RetryPolicy) {
    this.factory = new ExponentialBackoff({ generator: decorrelatedJitterGenerator, initialDelay: policy.initialDelayMs, maxDelay: policy.maxDelayMs });
  }

  nextDelayMs(attempt: number, error: GatewayError, deadline: number | undefined): number | null {
    if (attempt >= this.policy.maxAttempts || !isRetryableRead(error)) return null;
    this.backoff = this.backoff ? this.backoff.next(undefined) : this.factory.next();
    const vendorAsksMs = (error.retryAfterSeconds ?? 0) * 1000;
    const delayMs = Math.max(this.backoff.duration, vendorAsksMs);
    if (deadline === undefined) return vendorAsksMs > this.policy.maxDelayMs ? null : delayMs;
    return performance.now() + delayMs + MIN_ATTEMPT_MS > deadline ? null : delayMs;
  }
}

/** Resolves after `ms`, or false at once when the signal aborts first. */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
