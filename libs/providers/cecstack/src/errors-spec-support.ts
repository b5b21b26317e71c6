import { ProblemCode } from '@images/core';

// What the errors*.spec.ts files share.

// The vendor's table (cecstack-ims-api.md section 2) against API.md section 6.
export const TABLE: Array<[string, ProblemCode]> = [
  ['IMG.InvalidParameter', 'VALIDATION_FAILED'],
  ['IMG.DBGet.Fail', 'UPSTREAM_ERROR'],
  ['IMG.DBUpdate.Fail', 'UPSTREAM_ERROR'],
  ['IMG.DBGet.NoData', 'NOT_FOUND'],
  ['IMG.Internal.Error', 'UPSTREAM_ERROR'],
  ['IMG.OperationFailed.ImageSize', 'VALIDATION_FAILED'],
  ['IMG.OperationFailed.UploadError', 'UPSTREAM_ERROR'],
  ['IMG.OperationDenied.ActionNotMatchStatus', 'CONFLICT'],
  ['IMG.OperationFailed.MinDiskSize', 'VALIDATION_FAILED'],
  ['IMG.OperationFailed.UploadNotAllowed', 'CONFLICT'],
  ['IMG.OperationFailed.DownloadNotAllowed', 'CONFLICT'],
  ['IMG.OperationFailed.DownloadNotallowed', 'CONFLICT'],
  ['IMG.OperationFailed.DeleteNotAllowed', 'CONFLICT'],
  ['IMG.OperationFailed.UploadNotPermission', 'FORBIDDEN'],
  ['IMG.OperationFailed.UserInfo', 'UPSTREAM_ERROR'],
  ['IMG.OperationDenied.Identity', 'FORBIDDEN'],
  ['IMG.OperationDenied.Quota', 'QUOTA_EXCEEDED'],
  ['IMG.OperationDenied.QuotaNotEnough', 'QUOTA_EXCEEDED'],
  ['IMG.OperationDenied.QuotaDeduct', 'QUOTA_EXCEEDED'],
  ['IMG.OperationFailed.Transfer', 'UPSTREAM_ERROR'],
  ['IMG.OperationDenied.AuthFail', 'UPSTREAM_AUTH_FAILED'],
  ['IMG.OperationFailed.ResourceCenter', 'UPSTREAM_ERROR'],
  ['IMG.OperationFailed.ModifyMinDiskSize', 'VALIDATION_FAILED'],
  ['IMG.OperationFailed.ActionNotMatch', 'CONFLICT'],
  ['IMG.OperationFailed.DuplicateUserId', 'VALIDATION_FAILED'],
  ['IMG.OperationFailed.InvalidUserId', 'VALIDATION_FAILED'],
  ['IMG.OperationFailed.AlreadyShared', 'CONFLICT'],
  ['IMG.OperationFailed.NotShared', 'CONFLICT'],
  ['IMG.OperationFailed.ResourceInfo', 'UPSTREAM_ERROR'],
  ['IMG.OperationFailed.ResourceStatus', 'CONFLICT'],
  ['IMG.OperationFailed.ImageIsShared', 'CONFLICT'],
];
