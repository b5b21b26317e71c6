import { UCLOUD_DOC_EXAMPLE_ITEM } from '../fixtures/ucloud-examples';
import { SeededRandom, createTimeSeries } from '../random';

export interface UcloudDeployInfo {
  IdcId: string;
  State: number;
}

/** Numeric fields arrive as strings or numbers, per item, as UCloud's answers do. */
export interface UcloudImage {
  ImageId: string;
  ImageName: string;
  ImageType: string | number;
  OcType: string;
  ImageDesc?: string;
  State?: string | number;
  ImageSize?: string | number;
  CreateTime?: string | number;
  DeployInfoList?: UcloudDeployInfo[];
}

interface OsTemplate {
  name: string;
  ocType: string;
  sizeGB: number;
}

const OS_TEMPLATES: readonly OsTemplate[] = [
  { name: 'CentOS 7.6 64位', ocType: 'CentOs', sizeGB: 20 },
  { name: 'CentOS 7.9 64位', ocType: 'CentOs', sizeGB: 20 },
  { name: 'CentOS 8.2 64位', ocType: 'CentOs', sizeGB: 20 },
  { name: 'Ubuntu 18.04 64位', ocType: 'Ubuntu', sizeGB: 20 },
  { name: 'Ubuntu 20.04 64位', ocType: 'Ubuntu', sizeGB: 20 },
  { name: 'Ubuntu 22.04 64位', ocType: 'Ubuntu', sizeGB: 40 },
  { name: 'Debian 10.13 64位', ocType: 'Debian', sizeGB: 20 },
  { name: 'Debian 11.6 64位', ocType: 'Debian', sizeGB: 20 },
  { name: 'Rocky Linux 8.8 64位', ocType: 'Rocky', sizeGB: 20 },
  { name: 'OpenEuler 22.03 64位', ocType: 'OpenEuler', sizeGB: 40 },
  { name: 'Alibaba Cloud Linux 3 64位', ocType: 'unix', sizeGB: 40 },
  { name: 'FreeBSD 13.1 64位', ocType: 'unix', sizeGB: 20 },
  { name: 'Windows Server 2016 数据中心版 64位 中文版', ocType: 'windows', sizeGB: 40 },
  { name: 'Windows Server 2019 数据中心版 64位 中文版', ocType: 'windows', sizeGB: 40 },
  { name: 'Windows Server 2022 数据中心版 64位 英文版', ocType: 'windows', sizeGB: 60 },
];

const INDUSTRY_APPS = ['宝塔Linux面板 7.9', 'WordPress 6.2', 'Docker CE 24.0', 'LNMP 1.9', 'Nginx 直播推流', 'FFmpeg 转码节点', 'Zabbix 6.0', 'GitLab CE 16'];
const CUSTOM_STEMS = ['edge-node-base', 'cdn-cache', 'live-transcode', 'vod-origin', '直播转码', '边缘计算节点', 'ai-infer-edge', 'iot-gateway'];
const IDC_IDS = ['cn-bj-ct-01', 'cn-sh-cu-02', 'cn-gd-cm-01', 'cn-zj-ct-03', 'cn-sc-cu-01', 'cn-hb-cm-02', 'cn-js-ct-04', 'cn-sd-cu-01'];

const FROM_MS = Date.UTC(2020, 6, 1);
const TO_MS = Date.UTC(2025, 5, 30);

/** The same value as a string or as a number, decided by the item's own draw. */
function numeric(random: SeededRandom, value: number): string | number {
  return random.chance(0.5) ? String(value) : value;
}

function makeImage(random: SeededRandom, createdAtMs: number): UcloudImage {
  const os = random.pick(OS_TEMPLATES);
  const imageType = random.weighted([[1, 6], [2, 3], [3, 7]] as const);
  const quarter = `${new Date(createdAtMs).getUTCFullYear()}Q${Math.floor(new Date(createdAtMs).getUTCMonth() / 3) + 1}`;
  const name =
    imageType === 1 ? os.name : imageType === 2 ? `${random.pick(INDUSTRY_APPS)} (${os.name.replace(' 64位', '')})` : `${random.pick(CUSTOM_STEMS)}-${quarter}-${random.int(1, 20)}`;
  const idcs = random.sample(IDC_IDS, random.int(1, 4));
  const available = random.chance(0.9);
  return {
    ImageId: `uodn-image-${random.lowerAlnum(8)}`,
    ImageName: name,
    ImageType: numeric(random, imageType),
    OcType: os.ocType,
    ImageDesc: imageType === 3 ? random.pick(['', '自定义镜像', 'built by packer', '基线镜像 v2']) : `${os.name}`,
    State: numeric(random, available ? 1 : 2),
    ImageSize: numeric(random, os.sizeGB + (imageType === 1 ? 0 : random.pick([0, 0, 20, 40]))),
    CreateTime: numeric(random, Math.floor(createdAtMs / 1000)),
    DeployInfoList: idcs.map((IdcId) => ({ IdcId, State: available ? random.weighted([[1, 8], [3, 1], [4, 1], [5, 1]] as const) : 2 })),
  };
}

/** 160 images: 159 seeded plus the doc's example, in the order the API serves them. */
export function buildUcloudCatalog(): UcloudImage[] {
  const random = new SeededRandom(0x0c10d);
  const times = createTimeSeries(random, 159, FROM_MS, TO_MS);
  return [structuredClone(UCLOUD_DOC_EXAMPLE_ITEM), ...times.map((ms) => makeImage(random, ms))];
}
