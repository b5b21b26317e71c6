/** How a client retries an answer that says "later": 429, and 503 where a retry cannot repeat a write. */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 3; 1 turns retries off). */
  maxAttempts?: number;
  /** A Retry-After longer than this is not waited for: the 429/503 is returned as is (default 30 000). */
  maxDelayMs?: number;
  /** Wait before retry n when the answer has no Retry-After: baseDelayMs × 2^(n-1) (default 250). */
  baseDelayMs?: number;
}

export type FetchFunction = (request: Request) => Promise<Response>;

/**
 * Milliseconds the answer asks to wait: Retry-After in seconds or as an HTTP date (RFC 9110), never negative;
 * undefined without a usable header.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Every HTTP date format starts with the day's name; Date.parse alone would take '-1' as a year.
  const date = /^[A-Za-z]/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * A 429 was refused before anything ran, so any request may be repeated. A 503 may come after a write reached the
 * vendor: only reads, and POSTs carrying an Idempotency-Key (the gateway answers their repeat once), are repeated.
 */
function mayRetry(request: Request, response: Response): boolean {
  if (response.status === 429) return true;
  if (response.status !== 503) return false;
  return request.method === 'GET' || request.method === 'HEAD' || (request.method === 'POST' && request.headers.has('idempotency-key'));
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `fetchOnce` that repeats a 429 (and a safe 503) after its Retry-After, at most `maxAttempts` times in all. */
export function retryingFetch(fetchOnce: FetchFunction, policy: RetryPolicy = {}): FetchFunction {
  const { maxAttempts = 3, maxDelayMs = 30_000, baseDelayMs = 250 } = policy;
  return async (request) => {
    for (let attempt = 1; ; attempt++) {
      const isLast = attempt >= maxAttempts;
      // A body can be sent once: each attempt but the last sends a copy.
      const response = await fetchOnce(isLast ? request : request.clone());
      if (isLast || !mayRetry(request, response)) return response;
      const delay = retryAfterMs(response.headers.get('retry-after')) ?? baseDelayMs * 2 ** (attempt - 1);
      if (delay > maxDelayMs) return response;
      // Nobody reads this answer: release its connection.
      await response.body?.cancel();
      await sleep(delay, request.signal);
    }
  };
}
