import {
  GIB, Image, ImageStatus, OsType, Visibility, asInteger, asNumber, asString, compactRecord, epochSecondsToIso, imageId,
  isRecord, ownEntry,
} from '@images/core';
import { UCLOUD_PROVIDER_ID } from './config';

/**
 * `OcType` is documented as `unix`/`windows` but the vendor's own example says `CentOs`: a distribution name.
 * Matched on the lower-case letters and digits of the value's start.
 */
const LINUX_DISTRIBUTIONS = [
  'centos', 'ubuntu', 'debian', 'redhat', 'rhel', 'suse', 'opensuse', 'sles', 'fedora', 'rocky', 'alma', 'oracle',
  'anolis', 'openeuler', 'euleros', 'kylin', 'uos', 'tencentos', 'opencloudos', 'alibaba', 'alinux', 'aliyun',
  'amazon', 'gentoo', 'archlinux', 'alpine', 'coreos', 'flatcar', 'deepin', 'scientific', 'cloudlinux', 'kali',
];
/** Family words that name no distribution. */
const GENERIC_LINUX = new Set(['unix', 'linux']);

const STATES: Readonly<Record<number, ImageStatus>> = { 1: 'available', 2: 'unavailable' };
const VISIBILITIES: Readonly<Record<number, Visibility>> = { 1: 'public', 2: 'market', 3: 'private' };

/** Item fields the Image carries; everything else (e.g. `DeployInfoList` with its per-IDC states) goes to `extra`. */
const MAPPED_FIELDS = new Set(['ImageId', 'ImageName', 'ImageDesc', 'State', 'ImageType', 'OcType', 'ImageSize', 'CreateTime']);

/** One `ImageList` item → Image (API.md section 5). Numbers may arrive as strings. Null for an item without `ImageId`. */
export function mapUcloudImage(item: unknown, provider: string = UCLOUD_PROVIDER_ID): Image | null {
  if (!isRecord(item)) return null;
  const providerImageId = asString(item.ImageId);
  if (providerImageId === null) return null;
  const os = ucloudOs(asString(item.OcType));
  const sizeGb = asNumber(item.ImageSize);
  return {
    id: imageId(provider, providerImageId),
    provider,
    providerImageId,
    name: asString(item.ImageName),
    description: asString(item.ImageDesc),
    status: ownEntry(STATES, asInteger(item.State)) ?? 'unknown',
    providerStatus: asString(item.State),
    visibility: ownEntry(VISIBILITIES, asInteger(item.ImageType)) ?? 'unknown',
    osType: os.osType,
    platform: os.platform,
    osVersion: null,
    architecture: null,
    bits: null,
    diskFormat: null,
    sizeBytes: sizeGb === null || sizeGb < 0 ? null : Math.round(sizeGb * GIB),
    minDiskGiB: null,
    minRamMiB: null,
    regions: deployRegions(item.DeployInfoList),
    createdAt: epochSecondsToIso(item.CreateTime),
    updatedAt: null,
    extra: compactRecord(Object.fromEntries(Object.entries(item).filter(([key]) => !MAPPED_FIELDS.has(key)))),
  };
}

/** `windows` → windows; `unix` or a Linux distribution → linux (platform = the distribution); anything else → other. */
export function ucloudOs(ocType: string | null): { osType: OsType | null; platform: string | null } {
  if (ocType === null) return { osType: null, platform: null };
  const key = ocType.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (key.startsWith('windows')) return { osType: 'windows', platform: null };
  if (GENERIC_LINUX.has(key)) return { osType: 'linux', platform: null };
  if (LINUX_DISTRIBUTIONS.some((distribution) => key.startsWith(distribution))) return { osType: 'linux', platform: ocType };
  return { osType: 'other', platform: ocType };
}

function deployRegions(deployInfoList: unknown): string[] {
  if (!Array.isArray(deployInfoList)) return [];
  const idcIds = deployInfoList.map((deploy) => (isRecord(deploy) ? asString(deploy.IdcId) : null));
  return [...new Set(idcIds.filter((idcId): idcId is string => idcId !== null))];
}
