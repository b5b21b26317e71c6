import { GatewayError, ProblemCode, SecretRedactor, asInteger, asString, isRecord } from '@images/core';
import { UpstreamResponse, badResponseError, httpStatusError, providerOf, vendorCodeError } from '@images/http';
import { DIDI_PROVIDER_ID } from './config';

/** DiDi `errno` → problem code (API.md section 6, plus the write calls' codes). Any other non-zero errno is UPSTREAM_ERROR, flagged unmapped. */
export const DIDI_ERRNO_PROBLEMS: ReadonlyMap<number, ProblemCode> = new Map<number, ProblemCode>([
  [1, 'VALIDATION_FAILED'],
  [13, 'VALIDATION_FAILED'],
  [2, 'UPSTREAM_ERROR'],
  [3, 'UPSTREAM_ERROR'],
  [4, 'UPSTREAM_AUTH_FAILED'],
  [40000, 'UPSTREAM_AUTH_FAILED'],
  [10000001, 'FORBIDDEN'],
  [1000011, 'FORBIDDEN'],
  [1100020, 'FORBIDDEN'],
  // Beyond API.md's table (vendor-facts). DiDi answers "snapshot/image query failed" when the uuid a write names
  // finds no snapshot or image of the account: the caller's resource is missing, so NOT_FOUND, not retryable.
  [41017, 'NOT_FOUND'],
  [41026, 'NOT_FOUND'],
  // "Region/zone lookup failed": the request named a region (or zone) DiDi does not know, a bad parameter.
  [16000002, 'VALIDATION_FAILED'],
]);

/** The error for a DiDi envelope carrying a non-zero `errno`. */
export function didiErrnoError(errno: number, response: UpstreamResponse, redactor?: SecretRedactor): GatewayError {
  const body = isRecord(response.json) ? response.json : {};
  const problem = DIDI_ERRNO_PROBLEMS.get(errno);
  return vendorCodeError(providerOf(response, DIDI_PROVIDER_ID), response, {
    code: String(errno),
    label: `errno ${errno}`,
    message: asString(body.errmsg) ?? undefined,
    requestId: requestIdOf(response),
    problem: problem ?? 'UPSTREAM_ERROR',
    mapped: problem !== undefined,
  }, redactor);
}

export function didiBadResponse(response: UpstreamResponse, operation: string, reason: string): GatewayError {
  return badResponseError(providerOf(response, DIDI_PROVIDER_ID), response, operation, reason, { requestId: requestIdOf(response) });
}

/**
 * Checks the `{errno, errmsg, requestId, data}` envelope and returns `data`, or throws the GatewayError.
 * DiDi signals errors by `errno`, not by HTTP status, so an envelope wins over the status.
 */
export function readDidiEnvelope(response: UpstreamResponse, operation: string, redactor?: SecretRedactor): unknown {
  const body = response.json;
  const errno = isRecord(body) ? asInteger(body.errno) : null;
  if (errno !== null && errno !== 0) throw didiErrnoError(errno, response, redactor);
  // A non-2xx answer without DiDi's envelope (a proxy's page, a bare 429).
  if (response.status < 200 || response.status >= 300) throw httpStatusError(providerOf(response, DIDI_PROVIDER_ID), response, { requestId: requestIdOf(response) });
  if (body === undefined) throw didiBadResponse(response, operation, 'a body that is not JSON');
  if (errno === null) throw didiBadResponse(response, operation, 'JSON without an errno envelope');
  return (body as Record<string, unknown>).data;
}

/** DiDi sends its request id in the envelope. */
function requestIdOf(response: UpstreamResponse): string | undefined {
  return (isRecord(response.json) ? asString(response.json.requestId) : null) ?? undefined;
}
