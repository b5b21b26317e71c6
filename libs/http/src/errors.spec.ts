import { SecretRedactor } from '@images/core';
import { badResponseError, httpStatusError, problemForHttpStatus, upstreamInfo, vendorCodeError } from './errors';
import { vendorResponse } from '@images/testing';

describe('problemForHttpStatus', () => {
  it.each([
    [429, 'RATE_LIMITED'], [502, 'UPSTREAM_UNAVAILABLE'], [503, 'UPSTREAM_UNAVAILABLE'], [504, 'UPSTREAM_TIMEOUT'],
    [401, 'UPSTREAM_AUTH_FAILED'], [403, 'FORBIDDEN'], [404, 'NOT_FOUND'], [400, 'UPSTREAM_ERROR'], [500, 'UPSTREAM_ERROR'],
  ])('HTTP %i -> %s', (status, expected) => {
    expect(problemForHttpStatus(status)).toBe(expected);
  });
});

describe('upstreamInfo', () => {
  it('keeps the status and what the vendor said, leaving out absent or empty members', () => {
    expect(upstreamInfo(vendorResponse(400, ''), { code: 'E1', message: 'no', requestId: 'r1' })).toEqual({ status: 400, code: 'E1', message: 'no', requestId: 'r1' });
    expect(upstreamInfo(vendorResponse(503, ''))).toEqual({ status: 503 });
    expect(upstreamInfo(vendorResponse(503, ''), { code: undefined, message: '', requestId: '' })).toEqual({ status: 503 });
  });
});

describe('httpStatusError', () => {
  it('is the problem of the status, with Retry-After and the request id passed in', () => {
    const error = httpStatusError('acme', vendorResponse(429, 'slow down', { 'retry-after': '7' }), { requestId: 'r-429' });
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.provider).toBe('acme');
    expect(error.detail).toBe('acme answered HTTP 429');
    expect(error.upstream).toEqual({ status: 429, requestId: 'r-429' });
    expect(error.retryAfterSeconds).toBe(7);
  });

  it('appends a detail suffix, and leaves out a request id it was not given', () => {
    const error = httpStatusError('acme', vendorResponse(503, '<html>down</html>'), { detailSuffix: 'without its error envelope' });
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.detail).toBe('acme answered HTTP 503 without its error envelope');
    expect(error.upstream).toEqual({ status: 503 });
    expect(error.retryAfterSeconds).toBeUndefined();
  });
});

describe('badResponseError', () => {
  it('names the operation and why, with the status and request id', () => {
    const error = badResponseError('acme', vendorResponse(200, 'garbage'), 'things/list', 'a body that is not JSON', { requestId: 'r1' });
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.provider).toBe('acme');
    expect(error.detail).toBe('acme answered things/list with a body that is not JSON');
    expect(error.upstream).toEqual({ status: 200, requestId: 'r1' });
    expect(badResponseError('acme', vendorResponse(200, {}), 'things/list', 'no list').upstream).toEqual({ status: 200 });
  });
});

describe('vendorCodeError', () => {
  const failure = { code: 'E.Denied', message: 'access denied', requestId: 'r1', problem: 'FORBIDDEN', mapped: true } as const;

  it('carries the problem, the vendor code, message and request id, and Retry-After', () => {
    const error = vendorCodeError('acme', vendorResponse(400, {}, { 'retry-after': '3' }), failure);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.provider).toBe('acme');
    expect(error.detail).toBe('acme answered E.Denied: access denied');
    expect(error.upstream).toEqual({ status: 400, code: 'E.Denied', message: 'access denied', requestId: 'r1' });
    expect(error.retryAfterSeconds).toBe(3);
    expect(error.unmappedVendorCode).toBe(false);
  });

  it('names the code by its label, and leaves out a message the vendor did not send', () => {
    const error = vendorCodeError('acme', vendorResponse(200, {}), { code: '4', label: 'errno 4', problem: 'UPSTREAM_ERROR', mapped: false });
    expect(error.detail).toBe('acme answered errno 4');
    expect(error.upstream).toEqual({ status: 200, code: '4' });
    expect(error.unmappedVendorCode).toBe(true);
  });

  it('scrubs credentials the vendor echoes from the detail and upstream', () => {
    const error = vendorCodeError('acme', vendorResponse(401, {}), { ...failure, message: 'bad token tok-SECRET-1' }, new SecretRedactor(['tok-SECRET-1']));
    expect(error.detail).toBe('acme answered E.Denied: bad token [REDACTED]');
    expect(error.upstream?.message).toBe('bad token [REDACTED]');
    expect(JSON.stringify(error.toProblem())).not.toContain('tok-SECRET-1');
  });
});
