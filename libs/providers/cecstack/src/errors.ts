import { GatewayError, ProblemCode, SecretRedactor, asString, isRecord, ownEntry } from '@images/core';
import { UpstreamResponse, badResponseError, httpStatusError, problemForHttpStatus, providerOf, vendorCodeError } from '@images/http';
import { CECSTACK_PROVIDER_ID } from './config';

export const CECSTACK_SUCCESS = 'Success';

/** Every code of the vendor's error table (cecstack-ims-api.md section 2), by its full name, per API.md section 6. */
export const CECSTACK_CODE_PROBLEMS: Readonly<Record<string, ProblemCode>> = {
  'IMG.InvalidParameter': 'VALIDATION_FAILED',
  'IMG.DBGet.Fail': 'UPSTREAM_ERROR',
  'IMG.DBUpdate.Fail': 'UPSTREAM_ERROR',
  'IMG.DBGet.NoData': 'NOT_FOUND',
  'IMG.Internal.Error': 'UPSTREAM_ERROR',
  'IMG.OperationFailed.ImageSize': 'VALIDATION_FAILED',
  'IMG.OperationFailed.UploadError': 'UPSTREAM_ERROR',
  'IMG.OperationDenied.ActionNotMatchStatus': 'CONFLICT',
  'IMG.OperationFailed.MinDiskSize': 'VALIDATION_FAILED',
  'IMG.OperationFailed.UploadNotAllowed': 'CONFLICT',
  'IMG.OperationFailed.DownloadNotAllowed': 'CONFLICT',
  'IMG.OperationFailed.DownloadNotallowed': 'CONFLICT',
  'IMG.OperationFailed.DeleteNotAllowed': 'CONFLICT',
  'IMG.OperationFailed.UploadNotPermission': 'FORBIDDEN',
  'IMG.OperationFailed.UserInfo': 'UPSTREAM_ERROR',
  'IMG.OperationDenied.Identity': 'FORBIDDEN',
  'IMG.OperationDenied.Quota': 'QUOTA_EXCEEDED',
  'IMG.OperationDenied.QuotaNotEnough': 'QUOTA_EXCEEDED',
  'IMG.OperationDenied.QuotaDeduct': 'QUOTA_EXCEEDED',
  'IMG.OperationFailed.Transfer': 'UPSTREAM_ERROR',
  'IMG.OperationDenied.AuthFail': 'UPSTREAM_AUTH_FAILED',
  'IMG.OperationFailed.ResourceCenter': 'UPSTREAM_ERROR',
  'IMG.OperationFailed.ModifyMinDiskSize': 'VALIDATION_FAILED',
  'IMG.OperationFailed.ActionNotMatch': 'CONFLICT',
  'IMG.OperationFailed.DuplicateUserId': 'VALIDATION_FAILED',
  'IMG.OperationFailed.InvalidUserId': 'VALIDATION_FAILED',
  'IMG.OperationFailed.AlreadyShared': 'CONFLICT',
  'IMG.OperationFailed.NotShared': 'CONFLICT',
  'IMG.OperationFailed.ResourceInfo': 'UPSTREAM_ERROR',
  'IMG.OperationFailed.ResourceStatus': 'CONFLICT',
  'IMG.OperationFailed.ImageIsShared': 'CONFLICT',
};

/** API.md names most codes by their last segment: a code outside the vendor table that ends in one still maps. */
export const CECSTACK_SUFFIX_PROBLEMS: Readonly<Record<string, ProblemCode>> = {
  InvalidParameter: 'VALIDATION_FAILED',
  ImageSize: 'VALIDATION_FAILED',
  MinDiskSize: 'VALIDATION_FAILED',
  ModifyMinDiskSize: 'VALIDATION_FAILED',
  DuplicateUserId: 'VALIDATION_FAILED',
  InvalidUserId: 'VALIDATION_FAILED',
  NoData: 'NOT_FOUND',
  ActionNotMatchStatus: 'CONFLICT',
  UploadNotAllowed: 'CONFLICT',
  DownloadNotAllowed: 'CONFLICT',
  DownloadNotallowed: 'CONFLICT',
  DeleteNotAllowed: 'CONFLICT',
  ActionNotMatch: 'CONFLICT',
  AlreadyShared: 'CONFLICT',
  NotShared: 'CONFLICT',
  ImageIsShared: 'CONFLICT',
  ResourceStatus: 'CONFLICT',
  Identity: 'FORBIDDEN',
  UploadNotPermission: 'FORBIDDEN',
  AuthFail: 'UPSTREAM_AUTH_FAILED',
  Quota: 'QUOTA_EXCEEDED',
  QuotaNotEnough: 'QUOTA_EXCEEDED',
  QuotaDeduct: 'QUOTA_EXCEEDED',
};

/**
 * The problem for a CECSTACK error code. A code in neither table is unmapped: UPSTREAM_ERROR when it came
 * the vendor's documented way (HTTP 400, or 2xx), else what its HTTP status says (a 401 or 503 from a front proxy).
 */
export function cecstackProblemFor(status: number, vendorCode: string): { code: ProblemCode; mapped: boolean } {
  const byCode = ownEntry(CECSTACK_CODE_PROBLEMS, vendorCode) ?? ownEntry(CECSTACK_SUFFIX_PROBLEMS, vendorCode.slice(vendorCode.lastIndexOf('.') + 1));
  if (byCode) return { code: byCode, mapped: true };
  const documentedWay = status === 400 || (status >= 200 && status < 300);
  return { code: documentedWay ? 'UPSTREAM_ERROR' : problemForHttpStatus(status), mapped: false };
}

function requestIdOf(response: UpstreamResponse): string | undefined {
  const body = isRecord(response.json) ? response.json : {};
  return asString(body.requestId) ?? (response.headers['x-request-id'] || undefined);
}

/**
 * The GatewayError a CECSTACK answer stands for, or null when it is a success envelope (`code == "Success"` with 2xx).
 * Envelope `{requestId, code, message, data}`; without it a non-2xx answer falls back to its HTTP status.
 */
export function cecstackFailureOf(response: UpstreamResponse, operation: string, redactor?: SecretRedactor): GatewayError | null {
  const ok = response.status >= 200 && response.status < 300;
  const body = isRecord(response.json) ? response.json : null;
  const vendorCode = body ? asString(body.code) : null;
  if (ok && vendorCode === CECSTACK_SUCCESS) return null;

  const requestId = requestIdOf(response);
  if (vendorCode !== null && vendorCode !== CECSTACK_SUCCESS) {
    const message = asString(body?.message) ?? undefined;
    const problem = cecstackProblemFor(response.status, vendorCode);
    return vendorCodeError(providerOf(response, CECSTACK_PROVIDER_ID), response, { code: vendorCode, message, requestId, problem: problem.code, mapped: problem.mapped }, redactor);
  }
  if (!ok) return httpStatusError(providerOf(response, CECSTACK_PROVIDER_ID), response, { requestId, detailSuffix: 'without its error envelope' });
  return cecstackBadResponse(response, operation, response.json === undefined ? 'a body that is not JSON' : 'no response envelope');
}

/** A 2xx answer that is not what the API promises. */
export function cecstackBadResponse(response: UpstreamResponse, operation: string, reason: string): GatewayError {
  return badResponseError(providerOf(response, CECSTACK_PROVIDER_ID), response, operation, reason, { requestId: requestIdOf(response) });
}
