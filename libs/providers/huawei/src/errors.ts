import { GatewayError, ProblemCode, SecretRedactor, asString, isRecord, ownEntry } from '@images/core';
import { UpstreamResponse, badResponseError, httpStatusError, problemForHttpStatus, providerOf, vendorCodeError } from '@images/http';
import { HUAWEI_PROVIDER_ID } from './config';

/** API.md section 6: Huawei errors are read by HTTP status first. */
export const HUAWEI_STATUS_PROBLEMS: Readonly<Record<number, ProblemCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UPSTREAM_AUTH_FAILED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  429: 'RATE_LIMITED',
  500: 'UPSTREAM_ERROR',
  503: 'UPSTREAM_UNAVAILABLE',
};

/** Codes whose meaning differs from (or does not depend on) the status they arrive with (vendor-facts). */
export const HUAWEI_CODE_PROBLEMS: Readonly<Record<string, ProblemCode>> = {
  'APIGW.0101': 'UPSTREAM_ERROR', // 404, but "no such API": our fault or theirs, never a missing image
  'APIGW.0301': 'UPSTREAM_AUTH_FAILED',
  'APIGW.0303': 'UPSTREAM_AUTH_FAILED', // signature expired (clock skew)
  'APIGW.0308': 'RATE_LIMITED',
  'WKS.00010099': 'FORBIDDEN', // service not enabled for the account
  'WKS.0202': 'NOT_FOUND', // arrives as 500
};

/** Older docs spell the gateway prefix `APIG.`. */
function normaliseCode(code: string): string {
  return code.startsWith('APIG.') ? `APIGW.${code.slice('APIG.'.length)}` : code;
}

/** The problem for a Huawei error envelope; `mapped` is false when neither its code nor its status is in the table. */
export function huaweiProblemFor(status: number, errorCode: string): { code: ProblemCode; mapped: boolean } {
  const byCode = ownEntry(HUAWEI_CODE_PROBLEMS, normaliseCode(errorCode));
  if (byCode) return { code: byCode, mapped: true };
  const byStatus = ownEntry(HUAWEI_STATUS_PROBLEMS, status);
  if (byStatus) return { code: byStatus, mapped: true };
  return { code: problemForHttpStatus(status), mapped: false };
}

function requestIdOf(response: UpstreamResponse): string | undefined {
  const body = isRecord(response.json) ? response.json : {};
  return response.headers['x-request-id'] || asString(body.request_id) || undefined;
}

/** The GatewayError for a non-2xx Huawei answer: the error table when the vendor envelope is there, else the HTTP status. */
export function huaweiErrorFromResponse(response: UpstreamResponse, redactor?: SecretRedactor): GatewayError {
  const body = isRecord(response.json) ? response.json : null;
  const errorCode = body ? asString(body.error_code) : null;
  const requestId = requestIdOf(response);
  if (body && errorCode !== null) {
    const message = asString(body.error_msg) ?? undefined;
    const problem = huaweiProblemFor(response.status, errorCode);
    return vendorCodeError(providerOf(response, HUAWEI_PROVIDER_ID), response, { code: errorCode, message, requestId, problem: problem.code, mapped: problem.mapped }, redactor);
  }
  return httpStatusError(providerOf(response, HUAWEI_PROVIDER_ID), response, { requestId, detailSuffix: 'without its error envelope' });
}

/** A 2xx answer that is not what the API promises. */
export function huaweiBadResponse(response: UpstreamResponse, operation: string, reason: string): GatewayError {
  return badResponseError(providerOf(response, HUAWEI_PROVIDER_ID), response, operation, reason, { requestId: requestIdOf(response) });
}
