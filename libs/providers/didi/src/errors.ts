import { GatewayError, ProblemCode, SecretRedactor, UpstreamInfo, asInteger, asString, isRecord } from '@images/core';
import { UpstreamResponse, problemForHttpStatus, retryAfterSeconds } from '@images/http';
import { DIDI_PROVIDER_ID } from './config';

/** DiDi `errno` → problem code (API.md section 6). Any other non-zero errno is UPSTREAM_ERROR, flagged unmapped. */
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
]);

/** The error for a DiDi envelope carrying a non-zero `errno`. */
export function didiErrnoError(errno: number, response: UpstreamResponse, redactor?: SecretRedactor): GatewayError {
  const body = isRecord(response.json) ? response.json : {};
  const rawMessage = asString(body.errmsg);
  // A vendor may echo what it was sent; no credential may reach a problem.
  const message = rawMessage === null ? undefined : (redactor?.text(rawMessage) ?? rawMessage);
  const problem = DIDI_ERRNO_PROBLEMS.get(errno);
  return new GatewayError(problem ?? 'UPSTREAM_ERROR', {
    provider: DIDI_PROVIDER_ID,
    detail: `${DIDI_PROVIDER_ID} answered errno ${errno}${message ? `: ${message}` : ''}`,
    upstream: upstreamInfo(response, { code: String(errno), message }),
    retryAfterSeconds: retryAfterSeconds(response.headers['retry-after']),
    unmappedVendorCode: problem === undefined,
  });
}

/** A non-2xx answer without DiDi's envelope (a proxy's page, a bare 429). */
export function didiHttpStatusError(response: UpstreamResponse): GatewayError {
  return new GatewayError(problemForHttpStatus(response.status), {
    provider: DIDI_PROVIDER_ID,
    detail: `${DIDI_PROVIDER_ID} answered HTTP ${response.status}`,
    upstream: upstreamInfo(response, {}),
    retryAfterSeconds: retryAfterSeconds(response.headers['retry-after']),
  });
}

export function didiBadResponse(response: UpstreamResponse, operation: string, reason: string): GatewayError {
  return new GatewayError('UPSTREAM_BAD_RESPONSE', {
    provider: DIDI_PROVIDER_ID,
    detail: `${DIDI_PROVIDER_ID} answered ${operation} with ${reason}`,
    upstream: upstreamInfo(response, {}),
  });
}

/**
 * Checks the `{errno, errmsg, requestId, data}` envelope and returns `data`, or throws the GatewayError.
 * DiDi signals errors by `errno`, not by HTTP status, so an envelope wins over the status.
 */
export function readDidiEnvelope(response: UpstreamResponse, operation: string, redactor?: SecretRedactor): unknown {
  const body = response.json;
  const errno = isRecord(body) ? asInteger(body.errno) : null;
  if (errno !== null && errno !== 0) throw didiErrnoError(errno, response, redactor);
  if (response.status < 200 || response.status >= 300) throw didiHttpStatusError(response);
  if (body === undefined) throw didiBadResponse(response, operation, 'a body that is not JSON');
  if (errno === null) throw didiBadResponse(response, operation, 'JSON without an errno envelope');
  return (body as Record<string, unknown>).data;
}

function upstreamInfo(response: UpstreamResponse, vendor: Pick<UpstreamInfo, 'code' | 'message'>): UpstreamInfo {
  const requestId = isRecord(response.json) ? asString(response.json.requestId) : null;
  return {
    status: response.status,
    ...(vendor.code !== undefined ? { code: vendor.code } : {}),
    ...(vendor.message !== undefined ? { message: vendor.message } : {}),
    ...(requestId !== null ? { requestId } : {}),
  };
}
