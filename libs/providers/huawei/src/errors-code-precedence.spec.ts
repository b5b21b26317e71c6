import { ProblemCode } from '@images/core';
import { vendorResponse } from '@images/testing';
import { huaweiErrorFromResponse, huaweiProblemFor } from './errors';

// Each vendor code arrives here with a status whose own row names another problem, so only the code's row can
// produce the expected answer (vendor-facts: the code's meaning does not depend on the status it comes with).
describe('Huawei error codes win over the HTTP status', () => {
  it.each<[string, number, ProblemCode, ProblemCode]>([
    ['APIGW.0301', 400, 'UPSTREAM_AUTH_FAILED', 'VALIDATION_FAILED'],
    ['APIGW.0303', 403, 'UPSTREAM_AUTH_FAILED', 'FORBIDDEN'],
    ['APIGW.0303', 400, 'UPSTREAM_AUTH_FAILED', 'VALIDATION_FAILED'],
    ['APIGW.0308', 503, 'RATE_LIMITED', 'UPSTREAM_UNAVAILABLE'],
    ['APIGW.0101', 400, 'UPSTREAM_ERROR', 'VALIDATION_FAILED'],
    ['WKS.00010099', 401, 'FORBIDDEN', 'UPSTREAM_AUTH_FAILED'],
    ['WKS.00010099', 500, 'FORBIDDEN', 'UPSTREAM_ERROR'],
    ['WKS.0202', 400, 'NOT_FOUND', 'VALIDATION_FAILED'],
  ])('%s with HTTP %i -> %s (the status alone would give %s)', (code, status, expected, byStatus) => {
    expect(huaweiProblemFor(status, code)).toEqual({ code: expected, mapped: true });
    expect(huaweiProblemFor(status, 'WKS.unlisted')).toEqual({ code: byStatus, mapped: true });
    const error = huaweiErrorFromResponse(vendorResponse(status, { error_code: code, error_msg: 'm' }));
    expect(error.code).toBe(expected);
    expect(error.unmappedVendorCode).toBe(false);
  });

  it.each<[string, number, ProblemCode]>([
    ['APIG.0301', 400, 'UPSTREAM_AUTH_FAILED'],
    ['APIG.0303', 403, 'UPSTREAM_AUTH_FAILED'],
    ['APIG.0101', 404, 'UPSTREAM_ERROR'],
  ])('reads the older spelling %s with HTTP %i as %s, keeping the code as sent', (code, status, expected) => {
    const error = huaweiErrorFromResponse(vendorResponse(status, { error_code: code, error_msg: 'm' }));
    expect(error.code).toBe(expected);
    expect(error.upstream?.code).toBe(code);
  });

  it('rewrites only a leading APIG. prefix', () => {
    expect(huaweiProblemFor(400, 'XAPIG.0308')).toEqual({ code: 'VALIDATION_FAILED', mapped: true });
    expect(huaweiProblemFor(400, 'WKS.APIG.0308')).toEqual({ code: 'VALIDATION_FAILED', mapped: true });
  });

  it('falls back to the generic status mapping, flagged unmapped, for a status outside the table', () => {
    expect(huaweiProblemFor(502, 'WKS.0502')).toEqual({ code: 'UPSTREAM_UNAVAILABLE', mapped: false });
    expect(huaweiProblemFor(504, 'WKS.0504')).toEqual({ code: 'UPSTREAM_TIMEOUT', mapped: false });
  });
});

describe('Huawei error answers without an object body', () => {
  it.each([['null', null], ['an array', [{ error_code: 'APIGW.0301', request_id: 'r' }]], ['a number', 42]])(
    'uses the HTTP status for a JSON %s body, with the header request id only',
    (_label, body) => {
      const error = huaweiErrorFromResponse(vendorResponse(401, body, { 'x-request-id': 'hdr' }));
      expect(error.code).toBe('UPSTREAM_AUTH_FAILED');
      expect(error.upstream).toEqual({ status: 401, requestId: 'hdr' });
      expect(error.detail).toBe('huawei answered HTTP 401 without its error envelope');
      expect(huaweiErrorFromResponse(vendorResponse(403, body)).upstream).toEqual({ status: 403 });
    },
  );

  it('keeps the code without a message when error_msg is missing', () => {
    const error = huaweiErrorFromResponse(vendorResponse(401, { error_code: 'APIGW.0301' }));
    expect(error.upstream).toEqual({ status: 401, code: 'APIGW.0301' });
    expect(error.detail).toBe('huawei answered APIGW.0301');
  });
});
