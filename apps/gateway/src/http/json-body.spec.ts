import { nestsDeeperThan } from './json-body';

describe('the JSON depth bound', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('counts objects and arrays alike, up to the bound and one past it', () => {
    expect(nestsDeeperThan(nested(16), 16)).toBe(false);
    expect(nestsDeeperThan(nested(17), 16)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[{"c":1}]}}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":{"b":[{"c":1}]}}', 3)).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(`{"name":"${'['.repeat(100)}"}`, 1)).toBe(false);
    expect(nestsDeeperThan(`{"name":"a\\"${'{'.repeat(100)}"}`, 1)).toBe(false);
    expect(nestsDeeperThan(`{"name":"a\\\\","x":[[1]]}`, 2)).toBe(true);
  });

  it('measures depth, not the number of brackets', () => {
    expect(nestsDeeperThan(Array.from({ length: 1000 }, () => '[1]').join(','), 1)).toBe(false);
  });
});
