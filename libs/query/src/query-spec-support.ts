import { Image } from '@images/core';
import { ImageFilters } from './filters';
import { queryImages } from './query';
import { SortKey } from './sort';
import { makeImage, pick, seededRandom } from './test-images';

export const PROVIDERS = ['cloud-b', 'cloud-c', 'cloud-d', 'cloud-a'] as const;
export const NAMES = [null, 'Ubuntu 22.04', 'ubuntu 22.04', 'UBUNTU 20.04', 'CentOS 7.9 64位', '乌班图 中文版', 'Windows Server 2022', 'Éclair', 'éclair', 'a'];
export const REGIONS = ['cn-north-1', 'cn-east-3', 'cn-bj2', 'CN-BJ2'];

/** Few distinct values so ties and nulls are common. */
function randomImage(random: () => number, index: number): Image {
  return makeImage({
    provider: pick(random, PROVIDERS),
    providerImageId: `img-${index.toString().padStart(4, '0')}-${Math.floor(random() * 1000)}`,
    name: pick(random, NAMES),
    osType: pick(random, ['linux', 'windows', 'other', null] as const),
    architecture: pick(random, ['x86_64', 'arm64', null] as const),
    status: pick(random, ['available', 'pending', 'failed', 'deleted'] as const),
    visibility: pick(random, ['public', 'private', 'shared', 'market', 'unknown'] as const),
    regions: REGIONS.filter(() => random() < 0.4),
    sizeBytes: random() < 0.15 ? null : Math.floor(random() * 6) * 2 ** 30,
    createdAt: random() < 0.15 ? null : new Date(Date.UTC(2024, 0, 1 + Math.floor(random() * 8), 0, 0, 0, Math.floor(random() * 3))).toISOString(),
  });
}

export function randomCatalog(seed: number, size: number): Image[] {
  const random = seededRandom(seed);
  return Array.from({ length: size }, (_, i) => randomImage(random, i));
}

/** No filter, or the value is the one given or among the several given. */
function anyOf(filter: string | readonly string[] | undefined, value: string | null): boolean {
  if (filter === undefined) return true;
  return Array.isArray(filter) ? filter.includes(value) : filter === value;
}

/** Written independently of the implementation: obvious, slow, allocation-happy. */
export function referenceQuery(images: readonly Image[], filters: ImageFilters, sort: SortKey): Image[] {
  const kept = images.filter(
    (image) =>
      (filters.providers === undefined || filters.providers.includes(image.provider)) &&
      (filters.name === undefined ||
        (image.name !== null && image.name.toLowerCase().includes(filters.name.toLowerCase()))) &&
      anyOf(filters.osType, image.osType) &&
      anyOf(filters.architecture, image.architecture) &&
      anyOf(filters.status, image.status) &&
      anyOf(filters.visibility, image.visibility) &&
      (filters.region === undefined || image.regions.some((region) => anyOf(filters.region, region))),
  );
  const descending = sort.startsWith('-');
  const field = sort.replace('-', '') as 'createdAt' | 'name' | 'sizeBytes';
  const byCodeUnits = (a: string, b: string) => (a === b ? 0 : a < b ? -1 : 1);
  return kept.sort((a, b) => {
    const va = a[field];
    const vb = b[field];
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null) {
      let order: number;
      if (field === 'name') order = byCodeUnits(String(va).toLowerCase(), String(vb).toLowerCase()) || byCodeUnits(String(va), String(vb));
      else if (field === 'createdAt') order = new Date(String(va)).getTime() - new Date(String(vb)).getTime();
      else order = Number(va) - Number(vb);
      if (order !== 0) return descending ? -order : order;
    }
    return byCodeUnits(a.id, b.id);
  });
}

/** Follows nextCursor to the end, from the first page or from `startCursor`; page sizes may vary per page. */
export function walkPages(images: readonly Image[], filters: ImageFilters, sort: SortKey, limits: number[], startCursor?: string) {
  const pages: Image[][] = [];
  const totals: number[] = [];
  let cursor = startCursor;
  for (let i = 0; ; i++) {
    const limit = limits[i % limits.length];
    const result = queryImages(images, { filters, sort, limit, cursor });
    expect(result.items.length).toBeLessThanOrEqual(limit);
    pages.push(result.items);
    totals.push(result.total);
    if (result.nextCursor === null) break;
    expect(result.items).toHaveLength(limit);
    cursor = result.nextCursor;
    if (i > images.length + 1) throw new Error('paging does not terminate');
  }
  return { pages, items: pages.flat(), totals };
}

export const ids = (images: readonly Image[]) => images.map((image) => image.id);

/** Rewrites a real cursor's body, keeping its query hash, to reach checks past the hash. */
export function tamper(cursor: string, change: (body: Record<string, unknown>) => unknown): string {
  const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  return Buffer.from(JSON.stringify(change(body)), 'utf8').toString('base64url');
}
