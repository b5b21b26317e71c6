import { GatewayError, ProblemCode, SecretRedactor, UpstreamInfo, asInteger, asString, isRecord } from '@images/core';
import { UpstreamResponse, problemForHttpStatus, retryAfterSeconds } from '@images/http';
import { UCLOUD_PROVIDER_ID } from './config';

/** UCloud `RetCode` → problem code (API.md section 6). Any other non-zero RetCode is UPSTREAM_ERROR, flagged unmapped. */
export const UCLOUD_RET_CODE_PROBLEMS: ReadonlyMap<number, ProblemCode> = new Map<number, ProblemCode>([
  [110, 'UPSTREAM_TIMEOUT'],
  [130, 'UPSTREAM_ERROR'],
  [150, 'UPSTREAM_UNAVAILABLE'],
  [153, 'RATE_LIMITED'],
  [160, 'UPSTREAM_ERROR'],
  [161, 'UPSTREAM_ERROR'],
  [170, 'UPSTREAM_AUTH_FAILED'],
  [171, 'UPSTREAM_AUTH_FAILED'],
  [172, 'UPSTREAM_AUTH_FAILED'],
  [174, 'UPSTREAM_AUTH_FAILED'],
  [292, 'UPSTREAM_AUTH_FAILED'],
  [293, 'FORBIDDEN'],
  [294, 'FORBIDDEN'],
  [295, 'FORBIDDEN'],
  [296, 'FORBIDDEN'],
  [297, 'FORBIDDEN'],
  [298, 'FORBIDDEN'],
  [299, 'FORBIDDEN'],
  [220, 'VALIDATION_FAILED'],
  [230, 'VALIDATION_FAILED'],
  [240, 'VALIDATION_FAILED'],
]);

const REQUEST_ID_HEADER = 'x-ucloud-request-uuid';

/** The error for an answer carrying a non-zero `RetCode` (UCloud sends those with HTTP 200). */
export function ucloudRetCodeError(retCode: number, response: UpstreamResponse, redactor?: SecretRedactor): GatewayError {
  const body = isRecord(response.json) ? response.json : {};
  const rawMessage = asString(body.Message);
  // A vendor may echo what it was sent; no credential may reach a problem.
  const message = rawMessage === null ? undefined : (redactor?.text(rawMessage) ?? rawMessage);
  const problem = UCLOUD_RET_CODE_PROBLEMS.get(retCode);
  return new GatewayError(problem ?? 'UPSTREAM_ERROR', {
    provider: UCLOUD_PROVIDER_ID,
    detail: `${UCLOUD_PROVIDER_ID} answered RetCode ${retCode}${message ? `: ${message}` : ''}`,
    upstream: upstreamInfo(response, { code: String(retCode), message }),
    retryAfterSeconds: retryAfterSeconds(response.headers['retry-after']),
    unmappedVendorCode: problem === undefined,
  });
}

/** A non-2xx answer without UCloud's envelope (a proxy's page, a bare 429). */
export function ucloudHttpStatusError(response: UpstreamResponse): GatewayError {
  return new GatewayError(problemForHttpStatus(response.status), {
    provider: UCLOUD_PROVIDER_ID,
    detail: `${UCLOUD_PROVIDER_ID} answered HTTP ${response.status}`,
    upstream: upstreamInfo(response, {}),
    retryAfterSeconds: retryAfterSeconds(response.headers['retry-after']),
  });
}

export function ucloudBadResponse(response: UpstreamResponse, action: string, reason: string): GatewayError {
  return new GatewayError('UPSTREAM_BAD_RESPONSE', {
    provider: UCLOUD_PROVIDER_ID,
    detail: `${UCLOUD_PROVIDER_ID} answered ${action} with ${reason}`,
    upstream: upstreamInfo(response, {}),
  });
}

/** Checks the `{RetCode, Message, …}` envelope and returns the body, or throws the GatewayError. */
export function readUcloudEnvelope(response: UpstreamResponse, action: string, redactor?: SecretRedactor): Record<string, unknown> {
  const body = response.json;
  const retCode = isRecord(body) ? asInteger(body.RetCode) : null;
  if (retCode !== null && retCode !== 0) throw ucloudRetCodeError(retCode, response, redactor);
  if (response.status < 200 || response.status >= 300) throw ucloudHttpStatusError(response);
  if (body === undefined) throw ucloudBadResponse(response, action, 'a body that is not JSON');
  if (retCode === null) throw ucloudBadResponse(response, action, 'JSON without a RetCode');
  return body as Record<string, unknown>;
}

function upstreamInfo(response: UpstreamResponse, vendor: Pick<UpstreamInfo, 'code' | 'message'>): UpstreamInfo {
  const requestId = response.headers[REQUEST_ID_HEADER];
  return {
    status: response.status,
    ...(vendor.code !== undefined ? { code: vendor.code } : {}),
    ...(vendor.message !== undefined ? { message: vendor.message } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
