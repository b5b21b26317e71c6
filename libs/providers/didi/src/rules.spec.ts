import { FieldError, writeFieldErrors } from '@images/core';
import { DIDI_RULES } from './rules';

const named = (errors: FieldError[]) => errors.map((e) => `${e.field}: ${e.message}`);

describe('what DiDi takes (API.md section 7), as the gateway checks it', () => {
  it('requires a snapshot to create and takes none of the CECSTACK fields', () => {
    expect(named(writeFieldErrors(DIDI_RULES, 'create', 'didi', { name: 'a' }))).toEqual(['fromSnapshot: is required by didi for create']);
    expect(named(writeFieldErrors(DIDI_RULES, 'create', 'didi', { name: 'a', fromSnapshot: 's', diskFormat: 'raw' }))).toEqual(['diskFormat: is not taken by didi for create']);
    expect(named(writeFieldErrors(DIDI_RULES, 'create', 'didi', { name: 'a', fromSnapshot: 's', region: 'gz', description: 'dd' }))).toEqual([]);
  });

  it('renames only, and copies only to a region', () => {
    expect(named(writeFieldErrors(DIDI_RULES, 'update', 'didi', { name: 'a', description: 'dd' }))).toEqual(['description: is not taken by didi for update']);
    expect(named(writeFieldErrors(DIDI_RULES, 'copy', 'didi', { name: 'a' }))).toEqual(['region: is required by didi for copy']);
  });

  it('ignores fields sent as undefined and the routing field', () => {
    expect(named(writeFieldErrors(DIDI_RULES, 'create', 'didi', { name: 'a', fromSnapshot: 's', diskFormat: undefined, provider: 'didi' }, ['provider']))).toEqual([]);
  });

  it('tells GET /providers what each write does on DiDi', () => {
    expect(DIDI_RULES.notes).toEqual({
      createImage: 'from a snapshot, in `region` (default: the first of DIDI_REGIONS)',
      updateImage: 'the name only',
      copyImage: 'to another region',
    });
    expect(named(writeFieldErrors(DIDI_RULES, 'copy', 'didi', { name: 'a', region: 'gz', description: 'd', fromSnapshot: 's' }))).toEqual(['fromSnapshot: is not taken by didi for copy']);
  });
});
