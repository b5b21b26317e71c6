import { SecretRedactor } from '@images/core';
import { UpstreamResponse } from '@images/http';
import { UCLOUD_RET_CODE_PROBLEMS, readUcloudEnvelope } from './errors';
import { vendorResponse, thrownGatewayError } from '@images/testing';

const REQUEST_ID = { 'x-ucloud-request-uuid': '6f1e2d3c-0000-4000-8000-000000000001' };
const response = (status: number, body: unknown, headers: Record<string, string> = REQUEST_ID) => vendorResponse(status, body, headers);

const read = (r: UpstreamResponse, redactor?: SecretRedactor) => readUcloudEnvelope(r, 'GetUvodnImage', redactor);

describe('UCloud RetCode translation', () => {
  // API.md section 6, written out here rather than read back from the table under test.
  const expected: Array<[number, string]> = [
    [110, 'UPSTREAM_TIMEOUT'], [130, 'UPSTREAM_ERROR'], [150, 'UPSTREAM_UNAVAILABLE'], [153, 'RATE_LIMITED'],
    [160, 'UPSTREAM_ERROR'], [161, 'UPSTREAM_ERROR'],
    [170, 'UPSTREAM_AUTH_FAILED'], [171, 'UPSTREAM_AUTH_FAILED'], [172, 'UPSTREAM_AUTH_FAILED'], [174, 'UPSTREAM_AUTH_FAILED'], [292, 'UPSTREAM_AUTH_FAILED'],
    [293, 'FORBIDDEN'], [294, 'FORBIDDEN'], [295, 'FORBIDDEN'], [296, 'FORBIDDEN'], [297, 'FORBIDDEN'], [298, 'FORBIDDEN'], [299, 'FORBIDDEN'],
    [220, 'VALIDATION_FAILED'], [230, 'VALIDATION_FAILED'], [240, 'VALIDATION_FAILED'],
  ];

  it('has exactly the codes of the contract', () => {
    expect([...UCLOUD_RET_CODE_PROBLEMS.keys()].sort((a, b) => a - b)).toEqual(expected.map(([code]) => code).sort((a, b) => a - b));
  });

  it.each(expected)('RetCode %d → %s, with the vendor code, message and request id header', (retCode, code) => {
    const error = thrownGatewayError(() => read(response(200, { RetCode: retCode, Action: 'GetUvodnImageResponse', Message: 'vendor says no' })));
    expect(error.code).toBe(code);
    expect(error.provider).toBe('ucloud');
    expect(error.upstream).toEqual({ status: 200, code: String(retCode), message: 'vendor says no', requestId: REQUEST_ID['x-ucloud-request-uuid'] });
    expect(error.unmappedVendorCode).toBe(false);
  });

  it('writes the detail of the contract example', () => {
    const error = thrownGatewayError(() => read(response(200, { RetCode: 171, Message: 'Signature VerifyAC Error' })));
    expect(error.detail).toBe('ucloud answered RetCode 171: Signature VerifyAC Error');
    expect(error.toProblem()).toMatchObject({ status: 502, code: 'UPSTREAM_AUTH_FAILED', provider: 'ucloud', upstream: { status: 200, code: '171' } });
  });

  it('reads a RetCode sent as a string', () => {
    expect(thrownGatewayError(() => read(response(200, { RetCode: '153', Message: 'throttled' }))).code).toBe('RATE_LIMITED');
  });

  it('makes a RetCode outside the table UPSTREAM_ERROR, flagged unmapped, its code kept', () => {
    const error = thrownGatewayError(() => read(response(200, { RetCode: 8039, Message: 'something new' })));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.unmappedVendorCode).toBe(true);
    expect(error.upstream?.code).toBe('8039');
  });

  it('carries Retry-After when sent', () => {
    const error = thrownGatewayError(() => read(response(200, { RetCode: 153 }, { 'retry-after': '12' })));
    expect(error.retryAfterSeconds).toBe(12);
    expect(error.detail).toBe('ucloud answered RetCode 153');
  });

  it('falls back to the HTTP status when a non-2xx answer has no envelope', () => {
    const throttled = thrownGatewayError(() => read(response(429, 'slow down', { 'retry-after': '3' })));
    expect(throttled.code).toBe('RATE_LIMITED');
    expect(throttled.retryAfterSeconds).toBe(3);
    expect(throttled.upstream).toEqual({ status: 429 });
    expect(thrownGatewayError(() => read(response(502, ''))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(thrownGatewayError(() => read(response(500, { error: 'x' }))).code).toBe('UPSTREAM_ERROR');
  });

  it('refuses a success envelope that arrives with a status outside 2xx (a redirect page, a 1xx)', () => {
    const redirected = thrownGatewayError(() => read(response(300, { RetCode: 0, ImageList: [] })));
    expect(redirected.code).toBe('UPSTREAM_ERROR');
    expect(redirected.detail).toBe('ucloud answered HTTP 300');
    expect(redirected.upstream).toEqual({ status: 300, requestId: REQUEST_ID['x-ucloud-request-uuid'] });
    expect(thrownGatewayError(() => read(response(199, { RetCode: 0 }))).detail).toBe('ucloud answered HTTP 199');
    expect(read(response(299, { RetCode: 0 }))).toEqual({ RetCode: 0 });
  });

  it('calls a body that is not JSON, or JSON without a RetCode, a bad response', () => {
    expect(thrownGatewayError(() => read(response(200, '<xml/>'))).code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(thrownGatewayError(() => read(response(200, { ImageList: [] }))).code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(thrownGatewayError(() => read(response(200, { RetCode: 'zero' }))).code).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('says which of the two is wrong, with the request id', () => {
    const notJson = thrownGatewayError(() => read(response(200, '<xml/>')));
    expect(notJson.detail).toBe('ucloud answered GetUvodnImage with a body that is not JSON');
    expect(notJson.upstream).toEqual({ status: 200, requestId: REQUEST_ID['x-ucloud-request-uuid'] });
    expect(thrownGatewayError(() => read(response(200, { ImageList: [] }))).detail).toBe('ucloud answered GetUvodnImage with JSON without a RetCode');
  });

  it.each([['null', null], ['a list', [{ RetCode: 0 }]], ['a number', 0]])('calls a JSON %s body a bad response, not a crash', (_label, body) => {
    const error = thrownGatewayError(() => read(response(200, body)));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.detail).toBe('ucloud answered GetUvodnImage with JSON without a RetCode');
  });

  it('returns the body on RetCode 0', () => {
    expect(read(response(200, { RetCode: 0, ImageList: [] }))).toEqual({ RetCode: 0, ImageList: [] });
  });

  it('scrubs credentials the vendor echoes', () => {
    const publicKey = 'someone@example.com1296235120854146120';
    const error = thrownGatewayError(() => read(response(200, { RetCode: 172, Message: `user ${publicKey} not exist` }), new SecretRedactor([publicKey])));
    expect(error.detail).toBe('ucloud answered RetCode 172: user [REDACTED] not exist');
    expect(error.upstream?.message).toBe('user [REDACTED] not exist');
  });
});
