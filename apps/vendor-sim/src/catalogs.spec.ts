import { buildCecstackCatalog } from './catalogs/cecstack';
import { buildDidiCatalog } from './catalogs/didi';
import { buildHuaweiCatalog } from './catalogs/huawei';
import { buildUcloudCatalog } from './catalogs/ucloud';

describe('seeded catalogs', () => {
  it('are identical on every build', () => {
    expect(buildDidiCatalog()).toEqual(buildDidiCatalog());
    expect(buildHuaweiCatalog()).toEqual(buildHuaweiCatalog());
    expect(buildUcloudCatalog()).toEqual(buildUcloudCatalog());
    expect(buildCecstackCatalog()).toEqual(buildCecstackCatalog());
  });

  it('have unique ids within each list', () => {
    const didi = buildDidiCatalog();
    const lists = [
      didi.regions.bj.map((image) => image.cimgUuid),
      didi.regions.gz.map((image) => image.cimgUuid),
      buildHuaweiCatalog().map((image) => image.id),
      buildUcloudCatalog().map((image) => image.ImageId),
      ...Object.values(buildCecstackCatalog()).map((list: Array<{ imageId: string }>) => list.map((item) => item.imageId)),
    ];
    for (const ids of lists) expect(new Set(ids).size).toBe(ids.length);
  });

  it('repeat some creation times, so that clients must break ties', () => {
    const repeats = (times: unknown[]) => times.length - new Set(times).size;
    expect(repeats(buildDidiCatalog().regions.bj.map((image) => image.createTime))).toBeGreaterThan(3);
    expect(repeats(buildHuaweiCatalog().map((image) => image.created_at?.replace('Z', '')))).toBeGreaterThan(3);
    expect(repeats(buildUcloudCatalog().map((image) => String(image.CreateTime)))).toBeGreaterThan(3);
    expect(repeats(buildCecstackCatalog().publicImages.map((image) => image.createdAt))).toBeGreaterThan(3);
  });

  it('vary statuses, operating systems and architectures', () => {
    const distinct = <T>(values: T[]) => new Set(values);
    const didi = [...buildDidiCatalog().regions.bj, ...buildDidiCatalog().regions.gz];
    expect(distinct(didi.map((image) => image.status))).toEqual(new Set(['Ready', 'Creating', 'Error']));
    expect(didi.filter((image) => image.status === 'Creating').every((image) => image.job !== undefined)).toBe(true);
    const huawei = buildHuaweiCatalog();
    expect(distinct(huawei.map((image) => image.os_type))).toEqual(new Set(['Linux', 'Windows', 'Other']));
    expect(distinct(huawei.map((image) => image.architecture ?? 'absent'))).toEqual(new Set(['x86', 'arm', 'absent']));
    expect(huawei.some((image) => image.kms_id !== undefined)).toBe(true);
    expect(huawei.some((image) => image.created_at !== undefined && !image.created_at.endsWith('Z'))).toBe(true);
    const ucloud = buildUcloudCatalog();
    expect(ucloud.some((image) => image.OcType === 'windows') && ucloud.some((image) => image.OcType === 'unix')).toBe(true);
    const cecstack = buildCecstackCatalog();
    expect(distinct(cecstack.privateImages.map((image) => image.status))).toEqual(new Set(['active', 'queued', 'saving', 'killed']));
    expect(distinct(cecstack.publicImages.map((image) => image.cpuArch))).toEqual(new Set(['x86', 'arm']));
    expect(cecstack.publicImages.some((image) => image.description !== undefined)).toBe(true);
    expect(cecstack.privateImages.some((image) => image.describe !== undefined)).toBe(true);
  });
});
