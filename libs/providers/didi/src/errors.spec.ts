import { SecretRedactor } from '@images/core';
import { DIDI_ERRNO_PROBLEMS, readDidiEnvelope } from './errors';
import { vendorResponse, thrownGatewayError } from '@images/testing';

const envelope = (errno: unknown, errmsg = 'failed', data: unknown = null) => ({ errno, errmsg, requestId: 'req-1', data });

describe('DiDi errno translation', () => {
  // API.md section 6, written out here rather than read back from the table under test.
  const expected: Array<[number, string]> = [
    [1, 'VALIDATION_FAILED'], [13, 'VALIDATION_FAILED'],
    [2, 'UPSTREAM_ERROR'], [3, 'UPSTREAM_ERROR'],
    [4, 'UPSTREAM_AUTH_FAILED'], [40000, 'UPSTREAM_AUTH_FAILED'],
    [10000001, 'FORBIDDEN'], [1000011, 'FORBIDDEN'], [1100020, 'FORBIDDEN'],
    // vendor-facts: snapshot / image query failed (the uuid names nothing), region lookup failed.
    [41017, 'NOT_FOUND'], [41026, 'NOT_FOUND'], [16000002, 'VALIDATION_FAILED'],
  ];

  it('has exactly the codes of the contract and of vendor-facts', () => {
    expect([...DIDI_ERRNO_PROBLEMS.keys()].sort((a, b) => a - b)).toEqual(expected.map(([errno]) => errno).sort((a, b) => a - b));
  });

  it.each(expected)('errno %d → %s, with the vendor code, message and request id', (errno, code) => {
    const error = thrownGatewayError(() => readDidiEnvelope(vendorResponse(200, envelope(errno, 'vendor says no')), 'cimg/list'));
    expect(error.code).toBe(code);
    expect(error.provider).toBe('didi');
    expect(error.upstream).toEqual({ status: 200, code: String(errno), message: 'vendor says no', requestId: 'req-1' });
    expect(error.detail).toBe(`didi answered errno ${errno}: vendor says no`);
    expect(error.unmappedVendorCode).toBe(false);
  });

  it('reads an errno sent as a string', () => {
    expect(thrownGatewayError(() => readDidiEnvelope(vendorResponse(200, envelope('4')), 'cimg/list')).code).toBe('UPSTREAM_AUTH_FAILED');
  });

  it('makes an errno outside the table UPSTREAM_ERROR, flagged unmapped, its code kept', () => {
    const error = thrownGatewayError(() => readDidiEnvelope(vendorResponse(200, envelope(41099, 'something new')), 'cimg/list'));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.unmappedVendorCode).toBe(true);
    expect(error.upstream?.code).toBe('41099');
  });

  it('reads an envelope before the HTTP status, and Retry-After when sent', () => {
    const error = thrownGatewayError(() => readDidiEnvelope(vendorResponse(500, envelope(2), { 'retry-after': '30' }), 'cimg/list'));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.upstream?.code).toBe('2');
    expect(error.retryAfterSeconds).toBe(30);
  });

  it('falls back to the HTTP status when a non-2xx answer has no envelope', () => {
    const unavailable = thrownGatewayError(() => readDidiEnvelope(vendorResponse(503, '<html>busy</html>', { 'retry-after': '7' }), 'cimg/list'));
    expect(unavailable.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(unavailable.retryAfterSeconds).toBe(7);
    expect(unavailable.upstream).toEqual({ status: 503 });
    expect(thrownGatewayError(() => readDidiEnvelope(vendorResponse(429, ''), 'cimg/list')).code).toBe('RATE_LIMITED');
    expect(thrownGatewayError(() => readDidiEnvelope(vendorResponse(401, { message: 'no' }), 'cimg/list')).code).toBe('UPSTREAM_AUTH_FAILED');
  });

  it('keeps the request id of a non-2xx JSON answer without errno', () => {
    const error = thrownGatewayError(() => readDidiEnvelope(vendorResponse(502, { requestId: 'req-lb', message: 'bad gateway' }), 'cimg/list'));
    expect(error.upstream).toEqual({ status: 502, requestId: 'req-lb' });
  });

  it('does not take a success envelope outside 2xx for a success', () => {
    for (const status of [199, 300, 304]) {
      const error = thrownGatewayError(() => readDidiEnvelope(vendorResponse(status, envelope(0, 'ok', [])), 'cimg/list'));
      expect(error.upstream?.status).toBe(status);
      expect(error.upstream?.code).toBeUndefined();
    }
    expect(readDidiEnvelope(vendorResponse(299, envelope(0, 'ok', [7])), 'cimg/list')).toEqual([7]);
  });

  it('calls a body that is not JSON, or JSON without the envelope, a bad response', () => {
    expect(thrownGatewayError(() => readDidiEnvelope(vendorResponse(200, 'not json'), 'cimg/list')).code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(thrownGatewayError(() => readDidiEnvelope(vendorResponse(200, ''), 'cimg/list')).code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(thrownGatewayError(() => readDidiEnvelope(vendorResponse(200, { data: [] }), 'cimg/list')).code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(thrownGatewayError(() => readDidiEnvelope(vendorResponse(200, [1, 2]), 'cimg/list')).code).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('returns data on errno 0', () => {
    expect(readDidiEnvelope(vendorResponse(200, envelope(0, 'ok', { count: 0, items: [] })), 'cimg/list')).toEqual({ count: 0, items: [] });
  });

  it('scrubs credentials the vendor echoes', () => {
    const token = 'b557cb1ac87055909e82f19c119f88c8';
    const error = thrownGatewayError(() => readDidiEnvelope(vendorResponse(200, envelope(4, `token ${token} expired`)), 'cimg/list', new SecretRedactor([token])));
    expect(error.detail).toBe('didi answered errno 4: token [REDACTED] expired');
    expect(JSON.stringify(error.toProblem())).not.toContain(token);
  });
});
