import { GatewayError, ProblemCode, SecretRedactor, asInteger, asString, isRecord } from '@images/core';
import { UpstreamResponse, badResponseError, httpStatusError, providerOf, vendorCodeError } from '@images/http';
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
  const problem = UCLOUD_RET_CODE_PROBLEMS.get(retCode);
  return vendorCodeError(providerOf(response, UCLOUD_PROVIDER_ID), response, {
    code: String(retCode),
    label: `RetCode ${retCode}`,
    message: asString(body.Message) ?? undefined,
    requestId: requestIdOf(response),
    problem: problem ?? 'UPSTREAM_ERROR',
    mapped: problem !== undefined,
  }, redactor);
}

export function ucloudBadResponse(response: UpstreamResponse, action: string, reason: string): GatewayError {
  return badResponseError(providerOf(response, UCLOUD_PROVIDER_ID), response, action, reason, { requestId: requestIdOf(response) });
}

/** Checks the `{RetCode, Message, …}` envelope and returns the body, or throws the GatewayError. */
export function readUcloudEnvelope(response: UpstreamResponse, action: string, redactor?: SecretRedactor): Record<string, unknown> {
  const body = response.json;
  const retCode = isRecord(body) ? asInteger(body.RetCode) : null;
  if (retCode !== null && retCode !== 0) throw ucloudRetCodeError(retCode, response, redactor);
  // A non-2xx answer without UCloud's envelope (a proxy's page, a bare 429).
  if (response.status < 200 || response.status >= 300) throw httpStatusError(providerOf(response, UCLOUD_PROVIDER_ID), response, { requestId: requestIdOf(response) });
  if (body === undefined) throw ucloudBadResponse(response, action, 'a body that is not JSON');
  if (retCode === null) throw ucloudBadResponse(response, action, 'JSON without a RetCode');
  return body as Record<string, unknown>;
}

function requestIdOf(response: UpstreamResponse): string | undefined {
  return response.headers[REQUEST_ID_HEADER] || undefined;
}
