import { GatewayError, ProblemCode, SecretRedactor, UpstreamInfo } from '@images/core';
import { UpstreamResponse } from './upstream-types';
import { retryAfterSeconds } from './wire';

/** The account that received an answer, which the problem names; `vendorId` for an answer made by hand (a unit test). */
export function providerOf(response: UpstreamResponse, vendorId: string): string {
  return response.provider ?? vendorId;
}

/** What a vendor said beyond the status; each vendor reads these from its own header or envelope. */
export interface VendorAnswer {
  code?: string;
  message?: string;
  requestId?: string;
}

/**
 * The problem for an HTTP failure that does not carry the vendor's own error envelope
 * (a load balancer's page, a bare 429): every vendor translator falls back to this.
 */
export function problemForHttpStatus(status: number): ProblemCode {
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503 || status === 502) return 'UPSTREAM_UNAVAILABLE';
  if (status === 504) return 'UPSTREAM_TIMEOUT';
  if (status === 401) return 'UPSTREAM_AUTH_FAILED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  return 'UPSTREAM_ERROR';
}

/** The problem's `upstream`: the HTTP status and what the vendor said, without absent or empty members. */
export function upstreamInfo(response: UpstreamResponse, vendor: VendorAnswer = {}): UpstreamInfo {
  return {
    status: response.status,
    ...(vendor.code ? { code: vendor.code } : {}),
    ...(vendor.message ? { message: vendor.message } : {}),
    ...(vendor.requestId ? { requestId: vendor.requestId } : {}),
  };
}

/** A failure the vendor reported with its own error code. */
export interface VendorCodeFailure extends VendorAnswer {
  code: string;
  /** How the detail names the code (`errno 4`); the code itself by default. */
  label?: string;
  /** The problem the vendor's table gives the code. */
  problem: ProblemCode;
  /** False when the code is not in the vendor's table (counted in metrics, never rendered). */
  mapped: boolean;
}

/** An answer carrying the vendor's error code: `"<provider> answered <code>: <message>"`, with Retry-After. */
export function vendorCodeError(provider: string, response: UpstreamResponse, failure: VendorCodeFailure, redactor?: SecretRedactor): GatewayError {
  const { code, message, requestId } = failure;
  const detail = `${provider} answered ${failure.label ?? code}${message ? `: ${message}` : ''}`;
  const upstream = upstreamInfo(response, { code, message, requestId });
  return new GatewayError(failure.problem, {
    provider,
    // A vendor may echo what it was sent; no credential may reach a problem.
    detail: redactor ? redactor.text(detail) : detail,
    upstream: redactor ? redactor.value(upstream) : upstream,
    retryAfterSeconds: retryAfterSeconds(response.headers['retry-after']),
    unmappedVendorCode: !failure.mapped,
  });
}

export interface HttpStatusErrorExtra {
  requestId?: string;
  /** Appended to `"<provider> answered HTTP <status>"`, e.g. `without its error envelope`. */
  detailSuffix?: string;
}

/** A non-2xx answer without the vendor's error envelope: the problem its HTTP status says, with Retry-After. */
export function httpStatusError(provider: string, response: UpstreamResponse, extra: HttpStatusErrorExtra = {}): GatewayError {
  const suffix = extra.detailSuffix ? ` ${extra.detailSuffix}` : '';
  return new GatewayError(problemForHttpStatus(response.status), {
    provider,
    detail: `${provider} answered HTTP ${response.status}${suffix}`,
    upstream: upstreamInfo(response, { requestId: extra.requestId }),
    retryAfterSeconds: retryAfterSeconds(response.headers['retry-after']),
  });
}

/** An answer that is not what the vendor's API promises (not JSON, or not of the documented shape). */
export function badResponseError(
  provider: string,
  response: UpstreamResponse,
  operation: string,
  why: string,
  extra: { requestId?: string } = {},
): GatewayError {
  return new GatewayError('UPSTREAM_BAD_RESPONSE', {
    provider,
    detail: `${provider} answered ${operation} with ${why}`,
    upstream: upstreamInfo(response, { requestId: extra.requestId }),
  });
}
