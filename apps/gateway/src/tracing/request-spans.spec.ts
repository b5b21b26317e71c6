import type { FastifyRequest } from 'fastify';
import { isQuietRoute, traceFieldsOf } from './request-spans';

// With tracing off, the access line still carries the trace id of a valid W3C traceparent the caller sent.
const withHeader = (traceparent?: unknown) => ({ headers: traceparent === undefined ? {} : { traceparent } }) as unknown as FastifyRequest;

describe('trace fields of an access line, tracing off', () => {
  it("takes a valid traceparent's trace id, and nothing else (the caller's span is not ours)", () => {
    expect(traceFieldsOf(withHeader('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'))).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(traceFieldsOf(withHeader(' 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00 '))).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });

  it.each([
    ['absent', undefined],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['upper case', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['unknown version', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['short', '00-4bf92f35-00f067aa0ba902b7-01'],
    ['injected text', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n{"level":60}'],
    ['repeated header', ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']],
  ])('ignores a traceparent that is not valid: %s', (_name, header) => {
    expect(traceFieldsOf(withHeader(header))).toBeUndefined();
  });

  it('knows the probes and the scrape (no span, no access line)', () => {
    expect(['/health', '/health/ready', '/metrics'].every(isQuietRoute)).toBe(true);
    expect(['/images', '/providers', '/docs'].some(isQuietRoute)).toBe(false);
  });
});
