import {
  asBoolean,
  asInteger,
  asNumber,
  asString,
  asStringArray,
  compactRecord,
  epochMsToIso,
  epochSecondsToIso,
  fingerprint,
  GIB,
  isoToUtc,
  isRecord,
} from './normalize';

describe('asString', () => {
  it.each<[unknown, string | null]>([
    ['text', 'text'], [' ', ' '], ['', null], [42, '42'], [0, '0'], [-1.5, '-1.5'],
    [Number.NaN, null], [Number.POSITIVE_INFINITY, null], [null, null], [undefined, null], [true, null], [{}, null], [['a'], null],
  ])('%j -> %j', (value, expected) => {
    expect(asString(value)).toBe(expected);
  });
});

describe('asNumber', () => {
  it.each<[unknown, number | null]>([
    [42, 42], [0, 0], [-3.5, -3.5], ['42', 42], [' 17 ', 17], ['1e3', 1000], ['0x10', 16],
    [Number.NaN, null], [Number.POSITIVE_INFINITY, null], ['Infinity', null], ['', null], ['   ', null], ['12abc', null],
    [null, null], [undefined, null], [true, null], [[1], null],
  ])('%j -> %j', (value, expected) => {
    expect(asNumber(value)).toBe(expected);
  });
});

describe('asInteger', () => {
  it.each<[unknown, number | null]>([[7, 7], ['7', 7], [0, 0], [7.5, null], ['7.5', null], ['x', null], [null, null]])('%j -> %j', (value, expected) => {
    expect(asInteger(value)).toBe(expected);
  });
});

describe('asBoolean', () => {
  it.each<[unknown, boolean | null]>([
    [true, true], [false, false], ['true', true], ['false', false], ['TRUE', null], ['1', null], [1, null], [0, null], [null, null], ['', null],
  ])('%j -> %j', (value, expected) => {
    expect(asBoolean(value)).toBe(expected);
  });
});

describe('asStringArray', () => {
  it('keeps the strings and numbers of an array as strings, dropping the rest', () => {
    expect(asStringArray(['a', '', 3, null, { x: 1 }, 'b'])).toEqual(['a', '3', 'b']);
  });

  it.each([null, undefined, 'a,b', { 0: 'a' }, 5])('is empty for %j', (value) => {
    expect(asStringArray(value)).toEqual([]);
  });
});

describe('isRecord', () => {
  it.each<[unknown, boolean]>([[{}, true], [{ a: 1 }, true], [[], false], [null, false], ['x', false], [3, false], [undefined, false]])('%j -> %j', (value, expected) => {
    expect(isRecord(value)).toBe(expected);
  });
});

describe('epoch times', () => {
  it.each<[unknown, string | null]>([
    [1_700_000_000_000, '2023-11-14T22:13:20.000Z'],
    ['1700000000123', '2023-11-14T22:13:20.123Z'],
    [1, '1970-01-01T00:00:00.001Z'],
    [0, null], [-5, null], ['', null], ['soon', null], [null, null],
    [8.64e15 + 1, null],
  ])('epochMsToIso(%j) -> %j', (value, expected) => {
    expect(epochMsToIso(value)).toBe(expected);
  });

  it.each<[unknown, string | null]>([
    [1_700_000_000, '2023-11-14T22:13:20.000Z'], ['1700000000', '2023-11-14T22:13:20.000Z'], [0, null], ['x', null], [null, null],
  ])('epochSecondsToIso(%j) -> %j', (value, expected) => {
    expect(epochSecondsToIso(value)).toBe(expected);
  });
});

describe('isoToUtc', () => {
  it.each<[unknown, string | null]>([
    ['2020-10-27T11:51:10.000Z', '2020-10-27T11:51:10.000Z'],
    ['2020-10-27T11:51:10z', '2020-10-27T11:51:10.000Z'],
    ['2020-10-27T19:51:10+08:00', '2020-10-27T11:51:10.000Z'],
    ['2020-10-27T19:51:10+0800', '2020-10-27T11:51:10.000Z'],
    ['2020-10-27T06:51:10-05:00', '2020-10-27T11:51:10.000Z'],
    // No zone: read as UTC (Huawei), whatever the machine's zone.
    ['2020-10-27T11:51:10', '2020-10-27T11:51:10.000Z'],
    ['2020-10-27 11:51:10', '2020-10-27T11:51:10.000Z'],
    ['  2020-10-27T11:51:10Z  ', '2020-10-27T11:51:10.000Z'],
    ['not a time', null], ['', null], [null, null], [1_700_000_000, null],
  ])('%j -> %j', (value, expected) => {
    expect(isoToUtc(value)).toBe(expected);
  });
});

describe('compactRecord', () => {
  it('drops undefined, null and "" and keeps every other value, falsy ones too', () => {
    const compacted = compactRecord({ a: undefined, b: null, c: '', d: 0, e: false, f: 'x', g: [], h: {} });
    expect(compacted).toEqual({ d: 0, e: false, f: 'x', g: [], h: {} });
    // toEqual overlooks a key holding undefined: the keys themselves are checked too.
    expect(Object.keys(compacted)).toEqual(['d', 'e', 'f', 'g', 'h']);
  });
});

describe('fingerprint', () => {
  it('is 16 hex characters of SHA-256 over the parts joined by NUL', () => {
    expect(fingerprint('a', 'b')).toBe('59b271ae1bbcb1d3');
    expect(fingerprint('a', 'b')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('tells apart parts that concatenate alike, and reads undefined as ""', () => {
    expect(fingerprint('ab', 'c')).not.toBe(fingerprint('a', 'bc'));
    expect(fingerprint('a', undefined)).toBe(fingerprint('a', ''));
  });
});

it('GIB is 2^30 bytes', () => {
  expect(GIB).toBe(1_073_741_824);
});
