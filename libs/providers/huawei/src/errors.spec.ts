import { GatewayError, ProblemCode, SecretRedactor } from '@images/core';
import { huaweiBadResponse, huaweiErrorFromResponse, huaweiProblemFor } from './errors';
import { vendorResponse } from '@images/testing';

const envelope = (error_code: string, error_msg = 'message') => ({ error_code, error_msg });

describe('Huawei error table (API.md section 6)', () => {
  it.each<[number, string, ProblemCode]>([
    [400, 'WKS.0001', 'VALIDATION_FAILED'],
    [401, 'APIGW.0301', 'UPSTREAM_AUTH_FAILED'],
    [401, 'APIGW.0303', 'UPSTREAM_AUTH_FAILED'],
    [403, 'WKS.00010099', 'FORBIDDEN'],
    [403, 'WKS.0010', 'FORBIDDEN'],
    [404, 'WKS.0404', 'NOT_FOUND'],
    [404, 'APIGW.0101', 'UPSTREAM_ERROR'],
    [429, 'APIGW.0308', 'RATE_LIMITED'],
    [429, 'WKS.0429', 'RATE_LIMITED'],
    [500, 'WKS.0500', 'UPSTREAM_ERROR'],
    [500, 'WKS.0202', 'NOT_FOUND'],
    [503, 'WKS.0503', 'UPSTREAM_UNAVAILABLE'],
  ])('HTTP %i %s -> %s', (status, code, expected) => {
    const error = huaweiErrorFromResponse(vendorResponse(status, envelope(code)));
    expect(error.code).toBe(expected);
    expect(error.provider).toBe('huawei');
    expect(error.upstream).toEqual({ status, code, message: 'message' });
    expect(error.unmappedVendorCode).toBe(false);
  });

  it('reads the older APIG. spelling of gateway codes', () => {
    expect(huaweiErrorFromResponse(vendorResponse(400, envelope('APIG.0308'))).code).toBe('RATE_LIMITED');
  });

  it('marks an envelope whose code and status are both outside the table as unmapped', () => {
    const error = huaweiErrorFromResponse(vendorResponse(405, envelope('WKS.0405')));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.unmappedVendorCode).toBe(true);
  });

  it('builds detail, request id (header first, then body) and Retry-After', () => {
    const throttled = huaweiErrorFromResponse(
      vendorResponse(429, { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached', request_id: 'body-id' }, { 'x-request-id': 'hdr-id', 'retry-after': '7' }),
    );
    expect(throttled).toBeInstanceOf(GatewayError);
    expect(throttled.detail).toBe('huawei answered APIGW.0308: The throttling threshold has been reached');
    expect(throttled.upstream?.requestId).toBe('hdr-id');
    expect(throttled.retryAfterSeconds).toBe(7);
    expect(throttled.retryable).toBe(true);
    expect(huaweiErrorFromResponse(vendorResponse(401, { error_code: 'APIGW.0301', error_msg: 'x', request_id: 'body-id' })).upstream?.requestId).toBe('body-id');
  });

  it('falls back to the HTTP status when the envelope is missing', () => {
    expect(huaweiErrorFromResponse(vendorResponse(502, '<html>bad gateway</html>')).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(huaweiErrorFromResponse(vendorResponse(504, '')).code).toBe('UPSTREAM_TIMEOUT');
    const bare429 = huaweiErrorFromResponse(vendorResponse(429, '', { 'retry-after': '3' }));
    expect(bare429.code).toBe('RATE_LIMITED');
    expect(bare429.retryAfterSeconds).toBe(3);
    expect(huaweiErrorFromResponse(vendorResponse(500, { message: 'not the envelope' })).code).toBe('UPSTREAM_ERROR');
    expect(huaweiErrorFromResponse(vendorResponse(401, '')).upstream).toEqual({ status: 401 });
  });

  it('redacts credentials the vendor echoes', () => {
    const redactor = new SecretRedactor(['AKSECRET123']);
    const error = huaweiErrorFromResponse(vendorResponse(401, envelope('APIGW.0301', 'verify aksk signature fail, ak:AKSECRET123')), redactor);
    expect(JSON.stringify(error.toProblem())).not.toContain('AKSECRET123');
    expect(error.message).not.toContain('AKSECRET123');
  });

  it('describes a bad 2xx answer', () => {
    const error = huaweiBadResponse(vendorResponse(200, 'oops', { 'x-request-id': 'r1' }), 'ListImages', 'a body that is not JSON');
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.upstream).toEqual({ status: 200, requestId: 'r1' });
    expect(error.detail).toBe('huawei answered ListImages with a body that is not JSON');
  });
});

describe('codes named like Object.prototype members', () => {
  it.each(['constructor', 'toString', '__proto__'])('%s falls back to the HTTP status table', (code) => {
    expect(huaweiProblemFor(500, code).code).toBe('UPSTREAM_ERROR');
    expect(huaweiProblemFor(418, code)).toEqual({ code: 'UPSTREAM_ERROR', mapped: false });
  });
});
