import { HUAWEI_DOC_EXAMPLE_ITEMS } from '../fixtures/huawei-examples';
import { SeededRandom, createTimeSeries } from '../random';

export interface HuaweiImage {
  id: string;
  image_type: string;
  os_type: string;
  architecture?: string;
  os_version: string;
  disk_format: string;
  name: string;
  min_ram: number;
  min_disk: number;
  product_code?: string;
  created_at?: string;
  kms_id?: string;
}

interface OsTemplate {
  osType: 'Linux' | 'Windows' | 'Other';
  osVersion: string;
  nameStem: string;
  arm: boolean;
}

const OS_TEMPLATES: readonly OsTemplate[] = [
  { osType: 'Windows', osVersion: 'Windows Server 2019 Datacenter 64bit', nameStem: 'Windows_Server_2019_DataCenter', arm: false },
  { osType: 'Windows', osVersion: 'Windows Server 2016 Datacenter 64bit', nameStem: 'Windows_Server_2016_DataCenter', arm: false },
  { osType: 'Windows', osVersion: 'Windows Server 2022 Datacenter 64bit', nameStem: 'Windows_Server_2022_DataCenter', arm: false },
  { osType: 'Windows', osVersion: 'Windows 10 Enterprise 64bit', nameStem: 'Windows10_Enterprise_LTSC', arm: false },
  { osType: 'Windows', osVersion: 'Windows 11 Enterprise 64bit', nameStem: 'Windows11_Enterprise', arm: false },
  { osType: 'Linux', osVersion: 'EulerOS 2.5 64bit', nameStem: 'EulerOS_2.5', arm: true },
  { osType: 'Linux', osVersion: 'EulerOS 2.9 64bit', nameStem: 'EulerOS_2.9', arm: true },
  { osType: 'Linux', osVersion: 'Ubuntu 20.04 64bit', nameStem: 'Ubuntu_20.04', arm: true },
  { osType: 'Linux', osVersion: 'Ubuntu 22.04 64bit', nameStem: 'Ubuntu_22.04', arm: true },
  { osType: 'Linux', osVersion: 'CentOS 7.9 64bit', nameStem: 'CentOS_7.9', arm: false },
  { osType: 'Linux', osVersion: 'UOS 20 1060e 64bit', nameStem: 'UOS_20_1060e', arm: true },
  { osType: 'Linux', osVersion: 'Kylin V10 SP2 64bit', nameStem: 'Kylin_V10_SP2', arm: true },
  { osType: 'Linux', osVersion: 'openEuler 22.03 64bit', nameStem: 'openEuler_22.03', arm: true },
  { osType: 'Other', osVersion: 'Other Linux(64 bit)', nameStem: 'ThinClient_Custom', arm: false },
];

const PRIVATE_STEMS = ['finance-desktop', 'dev-vdi', 'callcenter', 'design-gpu', 'hr-office', 'lab-teaching', '研发桌面', '客服坐席', '财务专用', 'ops-jumpbox'];
const LANGUAGES = ['zh-cn', 'en-us'];

const FROM_MS = Date.UTC(2020, 2, 1);
const TO_MS = Date.UTC(2025, 5, 30);

function formatCreatedAt(random: SeededRandom, ms: number): string {
  const iso = new Date(ms).toISOString().slice(0, 19);
  // Some records carry no zone designator; they are UTC all the same.
  return random.chance(0.25) ? iso : `${iso}Z`;
}

function makeImage(random: SeededRandom, createdAtMs: number): HuaweiImage {
  const os = random.pick(OS_TEMPLATES);
  const imageType = random.chance(0.45) ? 'gold' : 'private';
  const arm = os.arm && random.chance(0.3);
  const architecture = arm ? 'arm' : 'x86';
  const windows = os.osType === 'Windows';
  const name =
    imageType === 'gold'
      ? `${os.nameStem}_${architecture}_${windows ? random.pick(LANGUAGES) + '_' : ''}${random.pick(['VDI', 'WKS', 'Standard', 'Office'])}`
      : `${random.pick(PRIVATE_STEMS)}-${os.nameStem.toLowerCase().replace(/_/g, '')}-v${random.int(1, 12)}`;
  const image: HuaweiImage = {
    id: random.uuid(),
    image_type: imageType,
    os_type: os.osType,
    architecture,
    os_version: os.osVersion,
    disk_format: imageType === 'gold' ? random.pick(['qcow2', 'qcow2', 'zvhd2']) : random.pick(['zvhd2', 'zvhd2', 'vhd', 'raw', 'qcow2']),
    name,
    min_ram: random.chance(0.8) ? 0 : random.pick([1024, 2048, 4096]),
    min_disk: windows ? random.pick([60, 80, 100]) : random.pick([40, 40, 50, 60, 80]),
    product_code: imageType === 'gold' ? `OFFI${random.digits(18)}` : '',
    created_at: formatCreatedAt(random, createdAtMs),
  };
  if (imageType === 'private' && random.chance(0.15)) image.kms_id = random.uuid();
  return image;
}

/** 230 images: 228 seeded plus the doc's two examples, in seed order (the API sorts per request). */
export function buildHuaweiCatalog(): HuaweiImage[] {
  const random = new SeededRandom(0x4a3e);
  const times = createTimeSeries(random, 228, FROM_MS, TO_MS);
  return [...structuredClone(HUAWEI_DOC_EXAMPLE_ITEMS), ...times.map((ms) => makeImage(random, ms))];
}
