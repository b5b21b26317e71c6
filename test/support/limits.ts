import { request as httpRequest } from 'node:http';
import type { TestCaller } from './callers';
import { headersOf } from './incoming';
import type { JsonResponse } from './stack';
import { expectProblem } from './suite-setup';

// What the limits suites (API.md section 8) share: a request from a chosen local address, timed, and the checks of
// the RateLimit headers and of a refusal that tells the caller when to come back.

export interface TimedResponse<T = any> extends JsonResponse<T> {
  /** From the request sent to the whole answer read. */
  ms: number;
}

/**
 * One request on its own connection, from `localAddress` (another loopback address is another remote address to the
 * gateway); the answer parsed when it is JSON. Rejects after `timeoutMs`: a hang is a failure, never a wait.
 */
export function call<T = any>(
  url: string,
  options: { method?: string; headers?: Record<string, string>; localAddress?: string; timeoutMs?: number } = {},
): Promise<TimedResponse<T>> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try { body = JSON.parse(text); } catch { /* not JSON: the test sees the text */ }
        resolve({ status: response.statusCode ?? 0, headers: headersOf(response), body: body as T, ms: performance.now() - started });
      });
    });
    request.setTimeout(options.timeoutMs ?? 10_000, () => request.destroy(new Error(`${url}: no answer within ${options.timeoutMs ?? 10_000} ms`)));
    request.on('error', reject);
    request.end();
  });
}

/** Callers of the test's own making (AUTH_API_KEYS via apiKeysEnv), each with a budget nobody else touched. */
export function extraCallers(label: string, count: number, scopes: string[]): TestCaller[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${label}-${i}`, key: `key-${label}-${i}-0f3b9d`, scopes }));
}

/** What the `RateLimit` header says is left of the named policy ("requests", "writes"), or null when it says nothing. */
export function remaining(headers: Headers, policy = 'requests'): number | null {
  const match = new RegExp(`"${policy}";r=(\\d+)`).exec(headers.get('ratelimit') ?? '');
  return match ? Number(match[1]) : null;
}

/** A problem+json refusal with `status` and `code` whose Retry-After is a whole number of seconds in (0, maxSeconds]. */
export function expectRefusal(answer: JsonResponse, status: number, code: string, maxSeconds = 60): number {
  expectProblem(answer, status, code);
  const retryAfter = answer.headers.get('retry-after') ?? '';
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThan(0);
  expect(Number(retryAfter)).toBeLessThanOrEqual(maxSeconds);
  return Number(retryAfter);
}
