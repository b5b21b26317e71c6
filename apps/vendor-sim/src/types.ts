export type VendorName = 'didi' | 'huawei' | 'ucloud' | 'cecstack';
export const VENDOR_NAMES: readonly VendorName[] = ['didi', 'huawei', 'ucloud', 'cecstack'];

export function isVendorName(value: unknown): value is VendorName {
  return typeof value === 'string' && (VENDOR_NAMES as readonly string[]).includes(value);
}

export interface SimCredentials {
  didiToken: string;
  huaweiAk: string;
  huaweiSk: string;
  huaweiToken: string;
  huaweiProjectId: string;
  ucloudPublicKey: string;
  ucloudPrivateKey: string;
  cecstackToken: string;
  cecstackRegionId: string;
}
