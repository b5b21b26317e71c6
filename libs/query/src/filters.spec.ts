import { matchesFilters } from './filters';
import { makeImage } from './test-images';

describe('matchesFilters', () => {
  it('keeps everything when no filter is set', () => {
    expect(matchesFilters(makeImage({ name: null, osType: null, architecture: null, regions: [] }), {})).toBe(true);
  });

  it('providers: keeps images whose provider is listed, in any order', () => {
    const cloudC = makeImage({ provider: 'cloud-c' });
    expect(matchesFilters(cloudC, { providers: ['cloud-d', 'cloud-c'] })).toBe(true);
    expect(matchesFilters(cloudC, { providers: ['cloud-b', 'cloud-d'] })).toBe(false);
    expect(matchesFilters(cloudC, { providers: [] })).toBe(false);
  });

  it('name: case-insensitive substring', () => {
    const image = makeImage({ name: 'Ubuntu 22.04 LTS' });
    expect(matchesFilters(image, { name: 'ubuntu' })).toBe(true);
    expect(matchesFilters(image, { name: '22.04 lts' })).toBe(true);
    expect(matchesFilters(image, { name: 'UBUNTU 22' })).toBe(true);
    expect(matchesFilters(image, { name: 'debian' })).toBe(false);
    expect(matchesFilters(image, { name: '' })).toBe(true);
  });

  it('name: Unicode names match, including Chinese and non-ASCII case pairs', () => {
    expect(matchesFilters(makeImage({ name: '乌班图 Ubuntu 22.04 中文版' }), { name: '中文' })).toBe(true);
    expect(matchesFilters(makeImage({ name: 'CentOS 7.9 64位' }), { name: '64位' })).toBe(true);
    expect(matchesFilters(makeImage({ name: 'ÉCOLE ΣΟΦΙΑ' }), { name: 'école σοφ' })).toBe(true);
    expect(matchesFilters(makeImage({ name: '乌班图' }), { name: '中文' })).toBe(false);
  });

  it('name: an image without a name never matches a name filter', () => {
    expect(matchesFilters(makeImage({ name: null }), { name: 'a' })).toBe(false);
  });

  it('name: an empty name filter is no filter, keeping images without a name too', () => {
    expect(matchesFilters(makeImage({ name: null }), { name: '' })).toBe(true);
  });

  it('osType', () => {
    expect(matchesFilters(makeImage({ osType: 'windows' }), { osType: 'windows' })).toBe(true);
    expect(matchesFilters(makeImage({ osType: 'linux' }), { osType: 'windows' })).toBe(false);
    expect(matchesFilters(makeImage({ osType: null }), { osType: 'other' })).toBe(false);
  });

  it('architecture', () => {
    expect(matchesFilters(makeImage({ architecture: 'arm64' }), { architecture: 'arm64' })).toBe(true);
    expect(matchesFilters(makeImage({ architecture: 'x86_64' }), { architecture: 'arm64' })).toBe(false);
    expect(matchesFilters(makeImage({ architecture: null }), { architecture: 'x86_64' })).toBe(false);
  });

  it('status', () => {
    expect(matchesFilters(makeImage({ status: 'deleted' }), { status: 'deleted' })).toBe(true);
    expect(matchesFilters(makeImage({ status: 'available' }), { status: 'pending' })).toBe(false);
  });

  it('visibility', () => {
    expect(matchesFilters(makeImage({ visibility: 'market' }), { visibility: 'market' })).toBe(true);
    expect(matchesFilters(makeImage({ visibility: 'unknown' }), { visibility: 'public' })).toBe(false);
  });

  it('region: exact, case-sensitive membership', () => {
    const image = makeImage({ regions: ['cn-north-4', 'cn-east-3'] });
    expect(matchesFilters(image, { region: 'cn-east-3' })).toBe(true);
    expect(matchesFilters(image, { region: 'CN-EAST-3' })).toBe(false);
    expect(matchesFilters(image, { region: 'cn-east' })).toBe(false);
    expect(matchesFilters(makeImage({ regions: [] }), { region: 'cn-east-3' })).toBe(false);
  });

  it('several values: any of them matches; an empty list matches nothing', () => {
    expect(matchesFilters(makeImage({ status: 'pending' }), { status: ['available', 'pending'] })).toBe(true);
    expect(matchesFilters(makeImage({ status: 'failed' }), { status: ['available', 'pending'] })).toBe(false);
    expect(matchesFilters(makeImage({ osType: 'other' }), { osType: ['windows', 'other'] })).toBe(true);
    expect(matchesFilters(makeImage({ architecture: 'arm64' }), { architecture: ['x86_64'] })).toBe(false);
    expect(matchesFilters(makeImage({ visibility: 'shared' }), { visibility: ['private', 'shared'] })).toBe(true);
    expect(matchesFilters(makeImage({ regions: ['cn-east-3'] }), { region: ['cn-north-4', 'cn-east-3'] })).toBe(true);
    expect(matchesFilters(makeImage({ regions: ['cn-east-3'] }), { region: ['cn-north-4'] })).toBe(false);
    expect(matchesFilters(makeImage({ status: 'available' }), { status: [] })).toBe(false);
  });

  it('combines filters with AND', () => {
    const image = makeImage({ provider: 'cloud-d', name: 'Windows Server', osType: 'windows', regions: ['cn-bj2'] });
    expect(matchesFilters(image, { providers: ['cloud-d'], name: 'server', osType: 'windows', region: 'cn-bj2' })).toBe(true);
    expect(matchesFilters(image, { providers: ['cloud-d'], name: 'server', osType: 'linux' })).toBe(false);
  });
});
