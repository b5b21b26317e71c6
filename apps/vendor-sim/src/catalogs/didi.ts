import { DIDI_DOC_EXAMPLE_ITEM } from '../fixtures/didi-examples';
import { GIB, MIB, SeededRandom, createTimeSeries } from '../random';

export type DidiRegion = 'bj' | 'gz';
export const DIDI_REGIONS: readonly DidiRegion[] = ['bj', 'gz'];
export const DIDI_ZONES: Readonly<Record<DidiRegion, readonly string[]>> = { bj: ['bj01'], gz: ['gz01', 'gz02'] };

export function isDidiRegion(value: unknown): value is DidiRegion {
  return typeof value === 'string' && (DIDI_REGIONS as readonly string[]).includes(value);
}

export interface DidiBackupStorage {
  bsUuid: string;
  diskType: string;
  name: string;
  state: string;
  status: string;
  type: string;
  zone: string;
}

/** DiDi's Job: `done && !success` is a failure, `result` its reason. */
export interface DidiJob {
  jobUuid: string;
  resourceUuid: string;
  type: string;
  progress: number;
  done: boolean;
  success: boolean;
  result: string;
  /** 'Processing' while running (as in the cimg/create doc), then 'Succeeded' or 'Failed'. */
  status: string;
  resourceType: string;
  /** Equal to jobUuid, as in the doc's example answer. */
  uuid: string;
}

/** A disk snapshot a `cimg/create` may name; snapshots belong to one region. */
export interface DidiSnapshot {
  snapUuid: string;
  regionId: DidiRegion;
  name: string;
  osFamily: string;
  osVersion: string;
  platform: 'Linux' | 'Windows';
  osArch: string;
  size: number;
  minDiskSize: number;
}

/**
 * The snapshots the simulated account owns (DiDi lists no snapshots through CIMG, so they are fixed here).
 * The first is the snapUuid of the cimg/create doc example.
 */
export const DIDI_SNAPSHOTS: readonly DidiSnapshot[] = [
  { snapUuid: '3fd352092a3f553cb124223f6a7f09b4', regionId: 'bj', name: 'web-01-sys', osFamily: 'CentOS', osVersion: '7', platform: 'Linux', osArch: '64bit', size: 1288490188, minDiskSize: 20 * GIB },
  { snapUuid: '7c1e4b9a2f6d4e0c8a3b5d7f9e1c2a40', regionId: 'bj', name: 'db-01-sys', osFamily: 'Ubuntu', osVersion: '22.04', platform: 'Linux', osArch: '64bit', size: 2147483648, minDiskSize: 40 * GIB },
  { snapUuid: 'b5d80f3e6a2c4b7d9e1f0a3c5b7d9e21', regionId: 'bj', name: 'win-jump-sys', osFamily: 'Windows Server', osVersion: '2019 Datacenter', platform: 'Windows', osArch: '64bit', size: 12884901888, minDiskSize: 50 * GIB },
  { snapUuid: 'e2a94c7b1d3f4a6e8b0c2d4f6a8b0c62', regionId: 'gz', name: 'gz-app-01-sys', osFamily: 'Debian', osVersion: '11', platform: 'Linux', osArch: '64bit', size: 966367641, minDiskSize: 20 * GIB },
  { snapUuid: '0f6b3d8e5a1c4f2b9d7e6c5a4b3d2e83', regionId: 'gz', name: 'gz-ml-01-sys', osFamily: 'Rocky Linux', osVersion: '8.6', platform: 'Linux', osArch: '64bit', size: 5368709120, minDiskSize: 40 * GIB },
];

export interface DidiImage {
  job?: DidiJob;
  backupStorages: DidiBackupStorage[];
  checkState: string;
  cimgId: string;
  cimgTags: unknown[];
  cimgUuid: string;
  createTime: number;
  description: string;
  isExternal: boolean;
  isShared: boolean;
  name: string;
  osArch: string;
  osFamily: string;
  osVersion: string;
  platform: string;
  regions: string[];
  requirement: { minDiskSize: number };
  scenes: string[];
  size: number;
  status: string;
  type: string;
  updateTime: number;
  zones: string[];
}

export interface DidiCatalog {
  /** Each region's list, in the order the API serves it (newest first). */
  regions: Record<DidiRegion, DidiImage[]>;
}

interface OsTemplate {
  osFamily: string;
  osVersion: string;
  platform: 'Linux' | 'Windows';
  label: string;
  minDiskGiB: number;
}

const OS_TEMPLATES: readonly OsTemplate[] = [
  { osFamily: 'CentOS', osVersion: '7', platform: 'Linux', label: 'CentOS 7', minDiskGiB: 8 },
  { osFamily: 'CentOS', osVersion: '7.6', platform: 'Linux', label: 'CentOS 7.6', minDiskGiB: 8 },
  { osFamily: 'CentOS', osVersion: '7.9', platform: 'Linux', label: 'CentOS 7.9', minDiskGiB: 20 },
  { osFamily: 'CentOS', osVersion: '8.2', platform: 'Linux', label: 'CentOS 8.2', minDiskGiB: 20 },
  { osFamily: 'Ubuntu', osVersion: '16.04', platform: 'Linux', label: 'Ubuntu 16.04', minDiskGiB: 8 },
  { osFamily: 'Ubuntu', osVersion: '18.04', platform: 'Linux', label: 'Ubuntu 18.04', minDiskGiB: 20 },
  { osFamily: 'Ubuntu', osVersion: '20.04', platform: 'Linux', label: 'Ubuntu 20.04', minDiskGiB: 20 },
  { osFamily: 'Ubuntu', osVersion: '22.04', platform: 'Linux', label: 'Ubuntu 22.04', minDiskGiB: 20 },
  { osFamily: 'Debian', osVersion: '10', platform: 'Linux', label: 'Debian 10', minDiskGiB: 20 },
  { osFamily: 'Debian', osVersion: '11', platform: 'Linux', label: 'Debian 11', minDiskGiB: 20 },
  { osFamily: 'Rocky Linux', osVersion: '8.6', platform: 'Linux', label: 'Rocky Linux 8.6', minDiskGiB: 20 },
  { osFamily: 'Anolis OS', osVersion: '8.4', platform: 'Linux', label: 'Anolis OS 8.4', minDiskGiB: 20 },
  { osFamily: 'Windows Server', osVersion: '2012 R2 Datacenter', platform: 'Windows', label: 'Windows Server 2012 R2 数据中心版', minDiskGiB: 40 },
  { osFamily: 'Windows Server', osVersion: '2016 Datacenter', platform: 'Windows', label: 'Windows Server 2016 数据中心版', minDiskGiB: 40 },
  { osFamily: 'Windows Server', osVersion: '2019 Datacenter', platform: 'Windows', label: 'Windows Server 2019 数据中心版', minDiskGiB: 50 },
];

const CUSTOM_NAME_STEMS = [
  'web-nginx', 'api-gateway', 'order-svc', 'payment-svc', 'redis-base', 'mysql-5.7', 'jenkins-ci', 'gitlab-runner',
  'k8s-node', 'elk-stack', 'kafka-broker', 'spark-worker', 'zabbix-proxy', 'bastion', 'tomcat8', 'nodejs18',
  'python-ml', 'gpu-cuda11', '北京业务', '测试环境', '广州前端', '数据平台', '风控模型', '日志采集',
] as const;
const ENVIRONMENTS = ['prod', 'staging', 'dev', 'test'] as const;
const DESCRIPTIONS = ['', '', '', 'golden image', '由快照创建', '每周基线', 'hardened baseline', '业务镜像，勿删', 'copied from bj'];

const FROM_MS = Date.UTC(2019, 0, 1);
const TO_MS = Date.UTC(2025, 5, 30);

/** The Ceph pools of each zone; `newId` makes the bsUuids (seeded for the catalog, random for new images). */
export function backupStoragesFor(zones: readonly string[], newId: () => string): DidiBackupStorage[] {
  return zones.flatMap((zone) => [
    { bsUuid: newId(), diskType: 'HE', name: `ceph-${zone}-he`, state: 'Enabled', status: 'Connected', type: 'Ceph', zone: zone.toUpperCase() },
    { bsUuid: newId(), diskType: 'SSD', name: `ceph-${zone}-ssd`, state: 'Enabled', status: 'Connected', type: 'Ceph', zone: zone.toUpperCase() },
  ]);
}

function dateTag(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}

type Kind = 'standard' | 'custom' | 'shared';

function makeImage(random: SeededRandom, regions: DidiRegion[], kind: Kind, createTime: number): DidiImage {
  const os = random.pick(OS_TEMPLATES);
  const zones = regions.flatMap((region) => (region === 'gz' && random.chance(0.5) ? [random.pick(DIDI_ZONES.gz)] : [...DIDI_ZONES[region]]));
  const status = kind === 'standard' ? 'Ready' : random.weighted([['Ready', 88], ['Creating', 7], ['Error', 5]] as const);
  const cimgUuid = random.hex(32);
  const windows = os.platform === 'Windows';
  const size = windows ? random.int(8 * GIB, 16 * GIB) : kind === 'standard' ? random.int(400 * MIB, 2 * GIB) : random.int(300 * MIB, 24 * GIB);
  const minDiskGiB = Math.max(os.minDiskGiB, Math.ceil(size / GIB / 10) * 10);
  const name =
    kind === 'standard'
      ? `${os.label} ${random.pick(['64位', '64位', '64位 中文版', '64位 英文版'])}`
      : `${random.pick(CUSTOM_NAME_STEMS)}-${random.pick(ENVIRONMENTS)}-${dateTag(createTime)}`;
  const image: DidiImage = {
    backupStorages: backupStoragesFor(zones, () => random.hex(32)),
    checkState: kind === 'standard' ? 'checked' : random.pick(['uncheck', 'uncheck', 'checked']),
    cimgId: `cimg-${random.lowerAlnum(8)}`,
    cimgTags: [],
    cimgUuid,
    createTime,
    description: kind === 'standard' ? `${os.label} 官方标准镜像` : random.pick(DESCRIPTIONS),
    isExternal: kind !== 'standard' && random.chance(0.2),
    isShared: kind === 'shared',
    name,
    osArch: random.chance(0.05) && !windows ? '32bit' : '64bit',
    osFamily: os.osFamily,
    osVersion: os.osVersion,
    platform: os.platform,
    regions,
    requirement: { minDiskSize: minDiskGiB * GIB },
    scenes: kind === 'standard' ? ['base'] : [random.pick(['base', 'base', 'base', 'docker', 'ai'])],
    size,
    status,
    type: kind === 'standard' ? 'standard' : 'custom',
    updateTime: createTime + (random.chance(0.6) ? 0 : random.int(1, 90 * 86400) * 1000),
    zones,
  };
  if (status === 'Creating') {
    const progress = random.int(0, 95);
    const jobUuid = random.hex(32);
    const job: DidiJob = { jobUuid, resourceUuid: cimgUuid, type: 'CreateCIMG', progress, done: false, success: false, result: '', status: 'Processing', resourceType: 'cimg', uuid: jobUuid };
    return { job, ...image };
  }
  return image;
}

function newestFirst(a: DidiImage, b: DidiImage): number {
  return b.createTime - a.createTime || (a.cimgUuid < b.cimgUuid ? -1 : 1);
}

/** bj: 130 images, gz: 90, of which 12 are in both regions (same cimgUuid). */
export function buildDidiCatalog(): DidiCatalog {
  const random = new SeededRandom(0xd1d1);
  const plan: Array<{ regions: DidiRegion[]; kind: Kind }> = [];
  const add = (count: number, regions: DidiRegion[], kinds: ReadonlyArray<readonly [Kind, number]>) => {
    for (let i = 0; i < count; i++) plan.push({ regions, kind: random.weighted(kinds) });
  };
  add(12, ['bj', 'gz'], [['standard', 3], ['custom', 1]]);
  add(117, ['bj'], [['standard', 2], ['custom', 7], ['shared', 1]]);
  add(78, ['gz'], [['standard', 2], ['custom', 7], ['shared', 1]]);
  const times = createTimeSeries(random, plan.length, FROM_MS, TO_MS);
  const images = plan.map(({ regions, kind }, i) => makeImage(random, regions, kind, times[i]));
  images.push(structuredClone(DIDI_DOC_EXAMPLE_ITEM));
  const regionList = (region: DidiRegion) => images.filter((image) => image.regions.includes(region)).sort(newestFirst);
  return { regions: { bj: regionList('bj'), gz: regionList('gz') } };
}
