import { SecretRedactor } from '@images/core';
import { CECSTACK_CODE_PROBLEMS, cecstackBadResponse, cecstackFailureOf, cecstackProblemFor } from './errors';
import { vendorResponse } from '@images/testing';
import { TABLE } from './errors-spec-support';

const vendorError = (code: string, message = '错误') => ({ requestId: 'req-1', code, message, data: null });

describe('CECSTACK error table', () => {
  it('covers exactly the vendor table', () => {
    expect(Object.keys(CECSTACK_CODE_PROBLEMS).sort()).toEqual(TABLE.map(([code]) => code).sort());
  });

  it.each(TABLE)('HTTP 400 %s -> %s', (code, expected) => {
    const error = cecstackFailureOf(vendorResponse(400, vendorError(code)), 'images/list');
    expect(error?.code).toBe(expected);
    expect(error?.provider).toBe('cecstack');
    expect(error?.upstream).toEqual({ status: 400, code, message: '错误', requestId: 'req-1' });
    expect(error?.unmappedVendorCode).toBe(false);
  });

  it('writes the detail as "cecstack answered {code}: {message}"', () => {
    expect(cecstackFailureOf(vendorResponse(400, vendorError('IMG.DBGet.NoData', '资源不存在')), 'images/list')?.detail).toBe('cecstack answered IMG.DBGet.NoData: 资源不存在');
  });

  it('maps a code outside the vendor table by the short name API.md gives', () => {
    const error = cecstackFailureOf(vendorResponse(400, vendorError('IMG.OperationFailed.Quota')), 'x');
    expect(error?.code).toBe('QUOTA_EXCEEDED');
    expect(error?.unmappedVendorCode).toBe(false);
  });

  it('a code in neither list -> UPSTREAM_ERROR, marked unmapped, code kept', () => {
    const error = cecstackFailureOf(vendorResponse(400, vendorError('IMG.Brand.New')), 'x');
    expect(error?.code).toBe('UPSTREAM_ERROR');
    expect(error?.unmappedVendorCode).toBe(true);
    expect(error?.upstream?.code).toBe('IMG.Brand.New');
  });

  it('a non-Success code in a 200 answer is an error too', () => {
    expect(cecstackFailureOf(vendorResponse(200, vendorError('IMG.DBGet.NoData')), 'x')?.code).toBe('NOT_FOUND');
  });

  it('an unknown code at a status outside the documented 400 follows the status', () => {
    const error = cecstackFailureOf(vendorResponse(401, vendorError('Unauthorized')), 'x');
    expect(error?.code).toBe('UPSTREAM_AUTH_FAILED');
    expect(error?.unmappedVendorCode).toBe(true);
  });

  it('falls back to the HTTP status without the envelope, with Retry-After and the header request id', () => {
    const error = cecstackFailureOf(vendorResponse(503, '<html>down</html>', { 'retry-after': '30', 'x-request-id': 'lb-1' }), 'x');
    expect(error?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error?.retryAfterSeconds).toBe(30);
    expect(error?.upstream).toEqual({ status: 503, requestId: 'lb-1' });
    expect(cecstackFailureOf(vendorResponse(429, ''), 'x')?.code).toBe('RATE_LIMITED');
    expect(cecstackFailureOf(vendorResponse(500, { code: 'Success' }), 'x')?.code).toBe('UPSTREAM_ERROR');
  });

  it('a Success envelope is no failure', () => {
    expect(cecstackFailureOf(vendorResponse(200, { requestId: 'r', code: 'Success', message: '调用成功', data: {} }), 'x')).toBeNull();
  });

  it('a 2xx answer that is not JSON or has no envelope is a bad response', () => {
    expect(cecstackFailureOf(vendorResponse(200, 'garbage'), 'images/list')).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', detail: 'cecstack answered images/list with a body that is not JSON' });
    expect(cecstackFailureOf(vendorResponse(200, { list: [] }), 'images/list')?.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(cecstackBadResponse(vendorResponse(200, { requestId: 'r9' }), 'images/list', 'no data.list array').upstream).toEqual({ status: 200, requestId: 'r9' });
  });

  it('redacts credentials the vendor echoes', () => {
    const error = cecstackFailureOf(vendorResponse(400, vendorError('IMG.OperationDenied.AuthFail', 'bad token tok-SECRET-1')), 'x', new SecretRedactor(['tok-SECRET-1']));
    expect(error?.code).toBe('UPSTREAM_AUTH_FAILED');
    expect(JSON.stringify(error?.toProblem())).not.toContain('tok-SECRET-1');
    expect(error?.message).not.toContain('tok-SECRET-1');
  });
});

describe('codes named like Object.prototype members', () => {
  it.each(['constructor', 'IMG.OperationFailed.constructor', 'toString', '__proto__'])('%s is an unmapped UPSTREAM_ERROR', (code) => {
    expect(cecstackProblemFor(400, code)).toEqual({ code: 'UPSTREAM_ERROR', mapped: false });
  });
});
