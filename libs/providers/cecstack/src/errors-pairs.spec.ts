import { ProblemCode } from '@images/core';
import { problemForHttpStatus } from '@images/http';
import { vendorResponse } from '@images/testing';
import { CECSTACK_SUFFIX_PROBLEMS, cecstackFailureOf, cecstackProblemFor } from './errors';
import { TABLE } from './errors-spec-support';

// Each vendor code is tried at an HTTP status that would map to another problem, so a code lost from a table
// (which then falls back to the status) is noticed.
const envelope = (code: string) => ({ requestId: 'req-1', code, message: 'm', data: null });
/** A status whose own problem differs from `expected`. */
const otherStatus = (expected: ProblemCode) => [502, 404, 401, 403, 429].find((status) => problemForHttpStatus(status) !== expected)!;

// API.md section 6 by short name, written out rather than read back from the table under test.
const SUFFIXES: Array<[string, ProblemCode]> = [
  ['InvalidParameter', 'VALIDATION_FAILED'], ['ImageSize', 'VALIDATION_FAILED'], ['MinDiskSize', 'VALIDATION_FAILED'], ['ModifyMinDiskSize', 'VALIDATION_FAILED'],
  ['DuplicateUserId', 'VALIDATION_FAILED'], ['InvalidUserId', 'VALIDATION_FAILED'], ['NoData', 'NOT_FOUND'], ['ActionNotMatchStatus', 'CONFLICT'],
  ['UploadNotAllowed', 'CONFLICT'], ['DownloadNotAllowed', 'CONFLICT'], ['DownloadNotallowed', 'CONFLICT'], ['DeleteNotAllowed', 'CONFLICT'],
  ['ActionNotMatch', 'CONFLICT'], ['AlreadyShared', 'CONFLICT'], ['NotShared', 'CONFLICT'], ['ImageIsShared', 'CONFLICT'], ['ResourceStatus', 'CONFLICT'],
  ['Identity', 'FORBIDDEN'], ['UploadNotPermission', 'FORBIDDEN'], ['AuthFail', 'UPSTREAM_AUTH_FAILED'], ['Quota', 'QUOTA_EXCEEDED'],
  ['QuotaNotEnough', 'QUOTA_EXCEEDED'], ['QuotaDeduct', 'QUOTA_EXCEEDED'],
];

describe('CECSTACK codes win over the HTTP status', () => {
  it.each(TABLE)('%s -> %s at any status', (code, expected) => {
    const status = otherStatus(expected);
    const error = cecstackFailureOf(vendorResponse(status, envelope(code)), 'x');
    expect(error).toMatchObject({ code: expected, unmappedVendorCode: false, upstream: { status, code } });
  });

  it('has exactly the short names of API.md', () => {
    expect(Object.keys(CECSTACK_SUFFIX_PROBLEMS).sort()).toEqual(SUFFIXES.map(([suffix]) => suffix).sort());
  });

  it.each(SUFFIXES)('a code outside the vendor table ending in .%s -> %s, mapped', (suffix, expected) => {
    expect(cecstackProblemFor(otherStatus(expected), `IMG.Future.${suffix}`)).toEqual({ code: expected, mapped: true });
    expect(cecstackProblemFor(otherStatus(expected), suffix)).toEqual({ code: expected, mapped: true });
  });

  it('reads the short name after the last dot only', () => {
    expect(cecstackProblemFor(400, 'IMG.Quota.Renewed')).toEqual({ code: 'UPSTREAM_ERROR', mapped: false });
    expect(cecstackProblemFor(404, 'IMG.Quota.Renewed')).toEqual({ code: 'NOT_FOUND', mapped: false });
  });
});

describe('CECSTACK answers without a usable code', () => {
  it('a Success envelope at an error status is the status failure, not a vendor code', () => {
    const error = cecstackFailureOf(vendorResponse(503, { requestId: 'r-5', code: 'Success', message: 'ok', data: null }), 'x');
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: { status: 503, requestId: 'r-5' } });
    expect(error?.upstream?.code).toBeUndefined();
    expect(error?.detail).toContain('without its error envelope');
  });

  it('a 2xx JSON answer with no code is a bad response saying so, and keeps the request id', () => {
    const error = cecstackFailureOf(vendorResponse(200, { requestId: 'r-6', data: {} }), 'images/list');
    expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', detail: 'cecstack answered images/list with no response envelope', upstream: { status: 200, requestId: 'r-6' } });
  });

  it('a vendor code without a message keeps no message; the envelope request id wins over the header one', () => {
    const error = cecstackFailureOf(vendorResponse(400, { requestId: 'r-7', code: 'IMG.DBGet.NoData' }, { 'x-request-id': 'lb-7' }), 'x');
    expect(error?.upstream).toEqual({ status: 400, code: 'IMG.DBGet.NoData', requestId: 'r-7' });
    expect(error?.detail).toBe('cecstack answered IMG.DBGet.NoData');
  });

  it('a 3xx answer with a Success envelope is no success', () => {
    expect(cecstackFailureOf(vendorResponse(302, { requestId: 'r', code: 'Success', data: {} }), 'x')).not.toBeNull();
    expect(cecstackFailureOf(vendorResponse(300, { requestId: 'r', code: 'Success', data: {} }), 'x')).not.toBeNull();
    expect(cecstackFailureOf(vendorResponse(199, { requestId: 'r', code: 'Success', data: {} }), 'x')).not.toBeNull();
    expect(cecstackFailureOf(vendorResponse(299, { requestId: 'r', code: 'Success', data: {} }), 'x')).toBeNull();
  });
});
