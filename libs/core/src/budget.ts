import { GatewayError } from './errors';
import type { CallContext } from './provider';

/** The one UPSTREAM_TIMEOUT of a spent budget: a provider's slice, lookup or write that took longer than it may. */
export function upstreamTimeout(provider: string, budgetMs: number): GatewayError {
  return new GatewayError('UPSTREAM_TIMEOUT', { provider, detail: `${provider} did not answer within ${budgetMs} ms` });
}

/**
 * A provider call's time budget: its context, and `stop()` to end the clock once the answer has begun (a download's
 * body may take longer); `cancel` still cuts the call after that.
 */
export interface CallBudget {
  ctx: CallContext;
  stop(): void;
}

/**
 * A CallContext whose signal aborts when `budgetMs` has passed (UPSTREAM_TIMEOUT) or `cancel` aborts (the caller
 * is gone). The deadline lets reads inside the operation retry only when a retry still fits.
 */
export function callBudget(provider: string, budgetMs: number, requestId?: string, cancel?: AbortSignal): CallBudget {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(upstreamTimeout(provider, budgetMs)), budgetMs);
  timer.unref();
  if (cancel?.aborted) controller.abort(cancel.reason);
  else cancel?.addEventListener('abort', () => controller.abort(cancel.reason), { once: true });
  return {
    ctx: { signal: controller.signal, deadline: performance.now() + budgetMs, ...(requestId !== undefined ? { requestId } : {}) },
    stop: () => clearTimeout(timer),
  };
}

/** Resolves with the promise, or with `onTimeout()` once the deadline (a performance.now() time) has passed. */
export async function withinBudget<T>(promise: Promise<T>, deadline: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
