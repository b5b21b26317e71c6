import { architectureFrom, bitsFrom, ownEntry } from './normalize';

describe('architectureFrom', () => {
  it.each([
    ['x86', 'x86_64'], ['x86_64', 'x86_64'], ['X86_64', 'x86_64'],
    ['arm', 'arm64'], ['arm64', 'arm64'], ['aarch64', 'arm64'], ['ARM', 'arm64'],
    ['sparc', null], ['mips', null], ['', null], [null, null],
  ])('%j -> %j', (value, expected) => {
    expect(architectureFrom(value)).toBe(expected);
  });
});

describe('bitsFrom', () => {
  it.each([
    // CECSTACK `instructions`
    ['64-bits', 64], ['32-bits', 32],
    // DiDi `osArch`
    ['64bit', 64], ['32bit', 32], ['64 bit', 64], ['64-Bit', 64], [' 64bit ', 64],
    // Huawei `os_version`
    ['EulerOS 2.5 64bit', 64], ['Windows Server 2019 32bit', 32], ['CentOS 7.6 64 - bits', 64],
  ])('%j -> %j', (value, expected) => {
    expect(bitsFrom(value)).toBe(expected);
  });

  it.each(['x86_64', '128bit', '164bit', '64bitness', '64', 'Ubuntu 22.04', 'n/a', ''])('%j names no word size', (value) => {
    expect(bitsFrom(value)).toBeNull();
  });

  it('is null for null', () => {
    expect(bitsFrom(null)).toBeNull();
  });
});

describe('ownEntry', () => {
  const table: Record<string, string> = { known: 'value' };
  it('finds own entries only, never Object.prototype members', () => {
    expect(ownEntry(table, 'known')).toBe('value');
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(ownEntry(table, key)).toBeUndefined();
    expect(ownEntry(table, null)).toBeUndefined();
  });
});
