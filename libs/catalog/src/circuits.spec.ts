import { BrokenCircuitError, CircuitState } from 'cockatiel';
import { GatewayError } from '@images/core';
import { asAnswer, circuitStateName, countsAgainstCircuit, openCircuitError, providerBreaker, toGatewayError, unwrapAnswer } from './circuits';

const gatewayError = (code: GatewayError['code']) => new GatewayError(code, { provider: 'p' });

describe('countsAgainstCircuit', () => {
  it.each(['UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_ERROR', 'UPSTREAM_BAD_RESPONSE', 'RATE_LIMITED', 'UPSTREAM_AUTH_FAILED'] as const)(
    'counts %s: upstream trouble', (code) => {
      expect(countsAgainstCircuit(gatewayError(code))).toBe(true);
    },
  );

  it.each(['NOT_FOUND', 'VALIDATION_FAILED', 'FORBIDDEN', 'CONFLICT', 'QUOTA_EXCEEDED'] as const)('does not count %s: an answer', (code) => {
    expect(countsAgainstCircuit(gatewayError(code))).toBe(false);
  });

  it('counts anything that is not a GatewayError (a crash)', () => {
    expect(countsAgainstCircuit(new TypeError('x'))).toBe(true);
    expect(countsAgainstCircuit('boom')).toBe(true);
  });
});

describe('asAnswer and unwrapAnswer', () => {
  it('carries a vendor answer through as a result, and throws it again on unwrap', async () => {
    const notFound = gatewayError('NOT_FOUND');
    const carried = await asAnswer(Promise.reject(notFound));
    expect(() => unwrapAnswer(carried)).toThrow(notFound);
  });

  it('rethrows upstream trouble at once', async () => {
    const down = gatewayError('UPSTREAM_UNAVAILABLE');
    await expect(asAnswer(Promise.reject(down))).rejects.toBe(down);
  });

  it('hands values back unchanged, lists, null and objects alike', async () => {
    const list = [{ answer: 1 }];
    expect(unwrapAnswer(await asAnswer(Promise.resolve(list)))).toBe(list);
    expect(unwrapAnswer(null)).toBeNull();
    expect(unwrapAnswer(3)).toBe(3);
    const plain = { images: [] };
    expect(unwrapAnswer(plain)).toBe(plain);
  });
});

describe('circuitStateName', () => {
  it('names every cockatiel state', () => {
    expect(circuitStateName(CircuitState.Closed)).toBe('closed');
    expect(circuitStateName(CircuitState.Open)).toBe('open');
    expect(circuitStateName(CircuitState.Isolated)).toBe('open');
    expect(circuitStateName(CircuitState.HalfOpen)).toBe('half-open');
  });
});

describe('providerBreaker', () => {
  it('opens after failureThreshold consecutive failures and reports each change by name', async () => {
    const changes: string[] = [];
    const breaker = providerBreaker({ failureThreshold: 2, halfOpenAfterMs: 60_000 }, (state) => changes.push(state));
    const fail = () => breaker.execute(() => Promise.reject(gatewayError('UPSTREAM_ERROR'))).catch(() => undefined);
    await fail();
    expect(breaker.state).toBe(CircuitState.Closed);
    await fail();
    expect(breaker.state).toBe(CircuitState.Open);
    expect(changes).toEqual(['open']);
  });

  it('is not opened by vendor answers', async () => {
    const breaker = providerBreaker({ failureThreshold: 1, halfOpenAfterMs: 60_000 }, () => undefined);
    await breaker.execute(() => Promise.reject(gatewayError('NOT_FOUND'))).catch(() => undefined);
    expect(breaker.state).toBe(CircuitState.Closed);
  });
});

describe('openCircuitError', () => {
  it('turns a refusal of the open circuit into UPSTREAM_UNAVAILABLE with Retry-After in whole seconds', () => {
    const error = openCircuitError(new BrokenCircuitError(), 'p', 1500) as GatewayError;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'p', retryAfterSeconds: 2, detail: 'p is failing repeatedly; its circuit is open and calls are paused' });
  });

  it('passes any other failure through', () => {
    const other = new Error('x');
    expect(openCircuitError(other, 'p', 1000)).toBe(other);
  });
});

describe('toGatewayError', () => {
  it('keeps a GatewayError, and makes anything else a bad response naming the provider and the message', () => {
    const own = gatewayError('NOT_FOUND');
    expect(toGatewayError(own, 'p')).toBe(own);
    expect(toGatewayError(new TypeError('cannot read x'), 'acme')).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', provider: 'acme', detail: 'acme answered something the gateway could not read (cannot read x)' });
    expect(toGatewayError('odd', 'acme').detail).toBe('acme answered something the gateway could not read (odd)');
  });
});
