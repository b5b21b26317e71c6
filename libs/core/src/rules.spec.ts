import { describeRules, ProviderRules, RULED_WRITES, shareUsersErrors, writeFieldErrors } from './rules';

const RULES: ProviderRules = {
  writes: {
    create: { accepted: ['name', 'description', 'fromSnapshot'], required: ['fromSnapshot'] },
    update: { accepted: ['name'], required: [] },
  },
  limits: { shareUsers: 2 },
  notes: { copyImage: 'copies within the region', createImage: 'from a snapshot only' },
};

describe('RULED_WRITES', () => {
  it('names the write each body-carrying operation is checked as, and no other operation', () => {
    expect(RULED_WRITES).toEqual({ createImage: 'create', updateImage: 'update', copyImage: 'copy' });
  });
});

describe('describeRules', () => {
  it('joins the note, the accepted fields and the required fields', () => {
    expect(describeRules(RULES, 'createImage')).toBe('from a snapshot only; takes name, description, fromSnapshot; requires fromSnapshot');
  });

  it('lists several accepted and required fields comma-separated', () => {
    const rules: ProviderRules = { writes: { copy: { accepted: ['name', 'region'], required: ['name', 'region'] } } };
    expect(describeRules(rules, 'copyImage')).toBe('takes name, region; requires name, region');
  });

  it('leaves out "requires" when nothing is required', () => {
    expect(describeRules(RULES, 'updateImage')).toBe('takes name');
  });

  it('gives only the note for a ruled write without a rule', () => {
    expect(describeRules(RULES, 'copyImage')).toBe('copies within the region');
  });

  it('is empty for an operation with neither a note nor a rule, or rules without writes and notes', () => {
    expect(describeRules(RULES, 'deleteImage')).toBe('');
    expect(describeRules({}, 'createImage')).toBe('');
  });
});

describe('writeFieldErrors', () => {
  it('accepts any body for a write without a rule', () => {
    expect(writeFieldErrors(RULES, 'copy', 'acme', { anything: 1 })).toEqual([]);
    expect(writeFieldErrors({}, 'create', 'acme', { anything: 1 })).toEqual([]);
  });

  it('names each field not taken, then each required field missing, with the provider and write', () => {
    expect(writeFieldErrors(RULES, 'create', 'acme', { name: 'a', diskFormat: 'raw', region: 'x' })).toEqual([
      { field: 'diskFormat', message: 'is not taken by acme for create' },
      { field: 'region', message: 'is not taken by acme for create' },
      { field: 'fromSnapshot', message: 'is required by acme for create' },
    ]);
  });

  it('is empty for a body of accepted fields holding the required ones', () => {
    expect(writeFieldErrors(RULES, 'create', 'acme', { name: 'a', fromSnapshot: 's' })).toEqual([]);
  });

  it('counts an undefined field as absent, both as unwanted and as required', () => {
    expect(writeFieldErrors(RULES, 'create', 'acme', { fromSnapshot: undefined, diskFormat: undefined })).toEqual([
      { field: 'fromSnapshot', message: 'is required by acme for create' },
    ]);
  });

  it('counts null and empty values as sent', () => {
    expect(writeFieldErrors(RULES, 'update', 'acme', { description: null, osType: '' })).toEqual([
      { field: 'description', message: 'is not taken by acme for update' },
      { field: 'osType', message: 'is not taken by acme for update' },
    ]);
  });

  it('skips the routing fields it is told to ignore, and only those', () => {
    expect(writeFieldErrors(RULES, 'update', 'acme', { name: 'a', provider: 'acme' }, ['provider'])).toEqual([]);
    expect(writeFieldErrors(RULES, 'update', 'acme', { name: 'a', provider: 'acme' })).toEqual([
      { field: 'provider', message: 'is not taken by acme for update' },
    ]);
  });

  it('does not let an ignored field satisfy a requirement', () => {
    expect(writeFieldErrors(RULES, 'create', 'acme', { fromSnapshot: 's' }, ['fromSnapshot'])).toEqual([
      { field: 'fromSnapshot', message: 'is required by acme for create' },
    ]);
  });
});

describe('shareUsersErrors', () => {
  it('accepts up to the limit and refuses one more, naming the limit and provider', () => {
    expect(shareUsersErrors(RULES, 'acme', ['u1', 'u2'])).toEqual([]);
    expect(shareUsersErrors(RULES, 'acme', ['u1', 'u2', 'u3'])).toEqual([{ field: 'userIds', message: 'must hold at most 2 user ids for acme' }]);
  });

  it('accepts any number when the provider declares no limit', () => {
    const many = Array.from({ length: 500 }, (_, i) => `u${i}`);
    expect(shareUsersErrors({}, 'acme', many)).toEqual([]);
    expect(shareUsersErrors({ limits: {} }, 'acme', many)).toEqual([]);
  });

  it('applies a limit of zero', () => {
    expect(shareUsersErrors({ limits: { shareUsers: 0 } }, 'acme', [])).toEqual([]);
    expect(shareUsersErrors({ limits: { shareUsers: 0 } }, 'acme', ['u1'])).toEqual([{ field: 'userIds', message: 'must hold at most 0 user ids for acme' }]);
  });
});
