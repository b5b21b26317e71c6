import { BrokenCircuitError, CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { GatewayError, isGatewayError } from '@images/core';
import { errorMessage } from './catalog-store';

export type CircuitStateName = 'closed' | 'open' | 'half-open';

/** Upstream trouble: what may open a circuit. A vendor's "not found" or "invalid parameter" is an answer, not trouble. */
const CIRCUIT_FAILURES: ReadonlySet<string> = new Set(['UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_ERROR', 'UPSTREAM_BAD_RESPONSE', 'RATE_LIMITED', 'UPSTREAM_AUTH_FAILED']);

export function countsAgainstCircuit(error: unknown): boolean {
  return !isGatewayError(error) || CIRCUIT_FAILURES.has(error.code);
}

/** A vendor's answer that is an error (not found, invalid, forbidden…), carried through the breaker as a result. */
interface VendorAnswer {
  answer: unknown;
}

/**
 * A call as the breaker sees it: a vendor's answer, even an error one, is a success (the vendor is up), so it ends a run
 * of failures as a catalog does; only upstream trouble is thrown at the breaker. `unwrapAnswer` throws the answer again.
 */
export async function asAnswer<T>(call: Promise<T>): Promise<T | VendorAnswer> {
  try {
    return await call;
  } catch (error) {
    if (countsAgainstCircuit(error)) throw error;
    return { answer: error } satisfies VendorAnswer;
  }
}

export function unwrapAnswer<T>(result: T | VendorAnswer): T {
  if (result !== null && typeof result === 'object' && !Array.isArray(result) && 'answer' in result) throw (result as VendorAnswer).answer;
  return result as T;
}

/** A provider's breaker: opens after `failureThreshold` consecutive failures, tries again after `halfOpenAfterMs`. */
export function providerBreaker(options: { failureThreshold: number; halfOpenAfterMs: number }, onChange: (state: CircuitStateName) => void): CircuitBreakerPolicy {
  const breaker = circuitBreaker(handleWhen(countsAgainstCircuit), { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.failureThreshold) });
  breaker.onStateChange((state) => onChange(circuitStateName(state)));
  return breaker;
}

export function circuitStateName(state: CircuitState): CircuitStateName {
  if (state === CircuitState.Open || state === CircuitState.Isolated) return 'open';
  if (state === CircuitState.HalfOpen) return 'half-open';
  return 'closed';
}

/** What a call refused by an open circuit answers; any other failure passes through. */
export function openCircuitError(caught: unknown, provider: string, halfOpenAfterMs: number): unknown {
  if (!(caught instanceof BrokenCircuitError)) return caught;
  return new GatewayError('UPSTREAM_UNAVAILABLE', {
    provider,
    detail: `${provider} is failing repeatedly; its circuit is open and calls are paused`,
    retryAfterSeconds: Math.ceil(halfOpenAfterMs / 1000),
  });
}

/** Any failure of a provider as the gateway's error. */
export function toGatewayError(error: unknown, provider: string): GatewayError {
  if (isGatewayError(error)) return error;
  // A bug in a provider (a mapper throwing on an odd item, say) must not look like our own crash.
  return new GatewayError('UPSTREAM_BAD_RESPONSE', { provider, detail: `${provider} answered something the gateway could not read (${errorMessage(error)})` });
}
