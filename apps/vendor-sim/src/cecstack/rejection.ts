// The IMS error codes (section 2 of the doc) that a request to the simulator can cause. Everything else in the
// doc's table (DB failures, quota deduction, resource centre, ...) is a server-side failure: reachable through
// the fault board only.

export const IMS = {
  invalidParameter: 'IMG.InvalidParameter',
  noData: 'IMG.DBGet.NoData',
  identity: 'IMG.OperationDenied.Identity',
  quotaNotEnough: 'IMG.OperationDenied.QuotaNotEnough',
  actionNotMatchStatus: 'IMG.OperationDenied.ActionNotMatchStatus',
  minDiskSize: 'IMG.OperationFailed.MinDiskSize',
  modifyMinDiskSize: 'IMG.OperationFailed.ModifyMinDiskSize',
  uploadError: 'IMG.OperationFailed.UploadError',
  uploadNotAllowed: 'IMG.OperationFailed.UploadNotAllowed',
  // The table has both spellings: "不允许下载" (not downloadable: public images) and "不允许存活" (not alive: not active).
  downloadNotAllowed: 'IMG.OperationFailed.DownloadNotAllowed',
  downloadNotAlive: 'IMG.OperationFailed.DownloadNotallowed',
  deleteNotAllowed: 'IMG.OperationFailed.DeleteNotAllowed',
  imageIsShared: 'IMG.OperationFailed.ImageIsShared',
  actionNotMatch: 'IMG.OperationFailed.ActionNotMatch',
  duplicateUserId: 'IMG.OperationFailed.DuplicateUserId',
  invalidUserId: 'IMG.OperationFailed.InvalidUserId',
  alreadyShared: 'IMG.OperationFailed.AlreadyShared',
  notShared: 'IMG.OperationFailed.NotShared',
} as const;

export type ImsCode = (typeof IMS)[keyof typeof IMS];

/** A request the vendor refuses: answered as HTTP 400 with `code`; `detail` names the offending part. */
export class Rejection extends Error {
  constructor(
    readonly code: ImsCode,
    readonly detail?: string,
  ) {
    super(detail === undefined ? code : `${code}: ${detail}`);
  }
}

export type Outcome<T> = T | Rejection;

/** Runs a parser that throws `Rejection`s and hands the rejection back as a value. */
export function attempt<T>(work: () => T): Outcome<T> {
  try {
    return work();
  } catch (error) {
    if (error instanceof Rejection) return error;
    throw error;
  }
}
