import {
  CECSTACK_DOC_PRIVATE_ITEM,
  CECSTACK_DOC_PUBLIC_ITEM,
  CECSTACK_DOC_SHARED_ITEM,
  CECSTACK_DOC_SHARE_USER,
  CECSTACK_DOC_TENANT,
} from '../fixtures/cecstack-examples';
import { GIB, MIB, SeededRandom, createTimeSeries } from '../random';

export interface CecstackImageTag {
  key: string;
  value: string;
}

export interface CecstackImage {
  createdAt: string;
  updatedAt: string;
  id: number;
  imageId: string;
  imageType: string;
  name: string;
  description?: string;
  describe?: string;
  size: number;
  status: string;
  diskFormat: string;
  checksum: string;
  path?: string;
  owner?: string;
  minDisk: number;
  minRam: number;
  cpuArch: string;
  osType: string;
  platform: string;
  progress: string;
  usage: string;
  instructions: string;
  uploadId: string;
  imageTags: CecstackImageTag[] | null;
  region?: string;
  visibility: string;
  departmentId?: string;
  resourceGroupId?: string;
  bootMode?: string;
  osVersion?: string;
  position?: string;
  sourceType?: string;
  tenantName?: string;
}

export interface CecstackShare {
  createdAt: string;
  updatedAt: string;
  id: number;
  shareId: string;
  imageId: string;
  userId: string;
  image: CecstackImage;
  userName: string;
}

export interface CecstackCatalog {
  publicImages: CecstackImage[];
  privateImages: CecstackImage[];
  sharedImages: CecstackShare[];
}

interface OsTemplate {
  platform: string;
  osType: 'linux' | 'windows' | 'other';
  osVersion: string;
  label: string;
  arm: boolean;
}

const OS_TEMPLATES: readonly OsTemplate[] = [
  { platform: 'CCLinux', osType: 'linux', osVersion: 'v2', label: 'CCLinux 2203', arm: true },
  { platform: 'cclinux', osType: 'linux', osVersion: 'v3', label: 'CCLinux 2303', arm: true },
  { platform: 'CentOS', osType: 'linux', osVersion: '7.9', label: 'CentOS 7.9', arm: false },
  { platform: 'CentOS', osType: 'linux', osVersion: '8.2', label: 'CentOS 8.2', arm: true },
  { platform: 'ubuntu', osType: 'linux', osVersion: '20.04', label: 'Ubuntu 20.04', arm: true },
  { platform: 'ubuntu', osType: 'linux', osVersion: '22.04', label: 'Ubuntu 22.04', arm: true },
  { platform: 'kylin', osType: 'linux', osVersion: 'kylin-v10-sp2', label: 'Kylin V10 SP2', arm: true },
  { platform: 'kylin', osType: 'linux', osVersion: 'kylin-v10-sp3', label: 'Kylin V10 SP3', arm: true },
  { platform: 'windows', osType: 'windows', osVersion: '2016', label: 'Windows Server 2016 数据中心版', arm: false },
  { platform: 'windows', osType: 'windows', osVersion: '2019', label: 'Windows Server 2019 标准版', arm: false },
  { platform: 'windows', osType: 'windows', osVersion: '2022', label: 'Windows Server 2022 数据中心版', arm: false },
  { platform: 'other', osType: 'other', osVersion: 'vcirros', label: 'cirros 0.5.2', arm: false },
];

const PRIVATE_STEMS = ['政务云-办公', 'gis-server', 'his-db', '视频会议', 'oa-app', 'etl-worker', 'k8s-master', '等保基线', 'redis-cluster', 'nginx-gw'];
const OTHER_TENANTS = ['7085523589641699328', '7091122334455667788', '7102938475610293847', '7110000000000000123'];

const FROM_MS = Date.UTC(2021, 0, 1);
const TO_MS = Date.UTC(2025, 5, 30);
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

/** `2023-05-24T05:46:14+08:00`: the list endpoints give Beijing time with its offset. */
export function formatBeijingTime(ms: number): string {
  return `${new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

function formatUtcSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

interface IdSource {
  next(): number;
}

function makeImage(random: SeededRandom, ids: IdSource, createdAtMs: number, kind: 'public' | 'private' | 'foreign'): CecstackImage {
  const os = random.pick(OS_TEMPLATES);
  const cpuArch = os.arm && random.chance(0.35) ? 'arm' : 'x86';
  const windows = os.osType === 'windows';
  const status = kind === 'public' ? random.weighted([['active', 95], ['killed', 5]] as const) : random.weighted([['active', 80], ['queued', 7], ['saving', 8], ['killed', 5]] as const);
  const uploaded = status === 'active' || status === 'saving';
  const size = !uploaded ? 0 : os.osType === 'other' ? random.int(12 * MIB, 40 * MIB) : windows ? random.int(8 * GIB, 18 * GIB) : random.int(600 * MIB, 6 * GIB);
  const imageType = kind === 'public' ? 'os_image' : random.weighted([['os_image', 8], ['data_image', 1], ['whole_image', 1]] as const);
  const name =
    kind === 'public'
      ? `${os.label} ${cpuArch === 'arm' ? 'ARM64' : '64位'}`
      : `${random.pick(PRIVATE_STEMS)}-${os.platform.toLowerCase()}-${random.int(1, 30)}`;
  const updatedMs = createdAtMs + (status === 'queued' ? 0 : random.int(2, 3600) * 1000);
  const format = kind === 'foreign' ? formatUtcSeconds : formatBeijingTime;
  const image: CecstackImage = {
    createdAt: format(createdAtMs),
    updatedAt: format(updatedMs),
    id: ids.next(),
    imageId: `img-${random.lowerAlnum(14)}`,
    imageType,
    name,
    size,
    status,
    diskFormat: random.chance(0.8) ? 'qcow2' : 'raw',
    checksum: uploaded ? random.hex(32) : '',
    minDisk: windows ? random.pick([40, 50, 60]) : random.pick([5, 10, 20, 40]),
    minRam: windows ? random.pick([2048, 4096]) : random.pick([512, 1024, 2048]),
    cpuArch,
    osType: os.osType,
    platform: os.platform,
    progress: status === 'active' ? '100' : status === 'saving' ? String(random.int(5, 95)) : '0',
    usage: kind === 'public' ? random.pick(['ecs', 'ecs', 'ecs', 'bms']) : random.pick(['ecs', 'ecs', 'cke', 'bms', 'sec']),
    instructions: random.chance(0.9) ? '64-bits' : '32-bits',
    uploadId: status === 'saving' ? random.hex(24) : '',
    imageTags: imageTagsFor(random),
    region: random.chance(0.85) ? 'ecs49' : 'ecs51',
    visibility: kind === 'public' ? 'public' : 'private',
    bootMode: random.chance(0.7) ? 'BIOS' : 'UEFI',
    osVersion: os.osVersion,
  };
  // The doc shows both spellings of the description field.
  const descriptionRoll = random.next();
  if (descriptionRoll < 0.35) image.description = kind === 'public' ? `${os.label} 公共镜像` : random.pick(['业务镜像', '测试用', 'baseline image']);
  else if (descriptionRoll < 0.55) image.describe = random.pick(['由云主机创建', 'imported from OSS', '迁移镜像']);
  if (kind === 'private') {
    image.owner = CECSTACK_DOC_TENANT.owner;
    image.tenantName = CECSTACK_DOC_TENANT.tenantName;
  }
  if (kind === 'foreign') {
    image.owner = random.pick(OTHER_TENANTS);
    image.departmentId = random.digits(19);
    image.resourceGroupId = '';
    image.position = random.pick(['minio', 'oss']);
    image.sourceType = random.pick(['internal', 'import']);
    delete image.region;
  }
  return image;
}

function imageTagsFor(random: SeededRandom): CecstackImageTag[] | null {
  const roll = random.next();
  if (roll < 0.5) return null;
  if (roll < 0.8) return [];
  return [{ key: 'env', value: random.pick(['prod', 'test', 'dev']) }];
}

function newestFirst(a: CecstackImage, b: CecstackImage): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id;
}

/** The account's own images by default; benchmarks ask for more (SIM_CATALOG_SCALE). */
export const DEFAULT_PRIVATE_IMAGES = 70;

/**
 * public 120, private `privateCount` (70), shared-with-me 25 (public and private share one doc example image).
 * Deterministic for a given size: the same seed, the same images.
 */
export function buildCecstackCatalog(privateCount = DEFAULT_PRIVATE_IMAGES): CecstackCatalog {
  const random = new SeededRandom(0xcec5);
  let lastId = 100;
  const ids: IdSource = { next: () => (lastId += random.int(1, 3)) };

  const publicTimes = createTimeSeries(random, 119, FROM_MS, TO_MS);
  const publicImages = [structuredClone(CECSTACK_DOC_PUBLIC_ITEM), ...publicTimes.map((ms) => makeImage(random, ids, ms, 'public'))].sort(newestFirst);

  const privateTimes = createTimeSeries(random, Math.max(0, privateCount - 1), FROM_MS, TO_MS);
  const privateImages = [structuredClone(CECSTACK_DOC_PRIVATE_ITEM), ...privateTimes.map((ms) => makeImage(random, ids, ms, 'private'))].sort(newestFirst);

  const shareTimes = createTimeSeries(random, 24, Date.UTC(2023, 0, 1), TO_MS);
  let shareId = 2;
  const sharedImages: CecstackShare[] = [
    structuredClone(CECSTACK_DOC_SHARED_ITEM),
    ...shareTimes.map((sharedMs) => {
      const image = makeImage(random, ids, sharedMs - random.int(1, 400) * 86400 * 1000, 'foreign');
      const stamp = new Date(sharedMs + random.int(0, 999)).toISOString();
      return {
        createdAt: stamp,
        updatedAt: stamp,
        id: (shareId += random.int(1, 4)),
        shareId: `img-share-${random.lowerAlnum(20)}`,
        imageId: image.imageId,
        userId: CECSTACK_DOC_SHARE_USER.userId,
        image,
        userName: CECSTACK_DOC_SHARE_USER.userName,
      };
    }),
  ];
  return { publicImages, privateImages, sharedImages };
}
