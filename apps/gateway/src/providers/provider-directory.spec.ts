import { GatewayError, Image, ImageProvider, ProviderRules } from '@images/core';
import { ProviderDirectory } from './provider-directory';

/** A provider that lists, looks up and deletes: no vendor behind it. */
function provider(id: string, capabilities: ImageProvider['capabilities'] = ['list', 'get', 'delete']): ImageProvider {
  return {
    id, displayName: id, capabilities, accountScope: `${id}-account`,
    listCatalog: async () => [] as Image[],
    getImage: async () => null,
    deleteImage: async () => ({ image: null, operation: null, accepted: false }),
  };
}

const strict: ProviderRules = { writes: { create: { accepted: ['name', 'fromSnapshot'], required: ['fromSnapshot'] } }, limits: { shareUsers: 2 } };

function directory(warnings: unknown[] = []) {
  return new ProviderDirectory([provider('strict'), provider('plain')], new Map([['strict', { vendor: 'strict', rules: strict }]]), { warn: (obj: unknown) => void warnings.push(obj) });
}

function refused(fn: () => void): string[] {
  try {
    fn();
  } catch (error) {
    expect((error as GatewayError).code).toBe('VALIDATION_FAILED');
    return (error as GatewayError).errors?.map((e) => `${e.field}: ${e.message}`) ?? [];
  }
  return [];
}

describe('ProviderDirectory', () => {
  it('finds the owner of a gateway id, and 404s a malformed id or a provider that is not enabled', () => {
    expect(directory().owner('strict:a:b')).toMatchObject({ provider: { id: 'strict' }, localId: 'a:b' });
    for (const id of ['strict', 'strict:', ':x', 'other:x', 'toString:x']) {
      expect(() => directory().owner(id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    }
    expect(() => directory().owner('nope:1', 'operation')).toThrow('there is no operation nope:1');
  });

  it('refuses a body naming a provider that is not enabled, listing the enabled ones', () => {
    expect(refused(() => directory().named('other'))).toEqual(['provider: must be an enabled provider (strict, plain)']);
    expect(directory().named('plain').id).toBe('plain');
  });

  it('checks the declared write fields, and leaves a provider without rules to its own checks', () => {
    expect(refused(() => directory().checkWriteFields('create', 'strict', { name: 'a', region: 'x' }))).toEqual([
      'region: is not taken by strict for create', 'fromSnapshot: is required by strict for create',
    ]);
    expect(refused(() => directory().checkWriteFields('create', 'strict', { name: 'a', fromSnapshot: 's' }))).toEqual([]);
    expect(refused(() => directory().checkWriteFields('create', 'plain', { name: 'a', anything: 1 }))).toEqual([]);
    expect(refused(() => directory().checkWriteFields('create', 'toString', { name: 'a' }))).toEqual([]);
  });

  it('checks the declared share limit', () => {
    expect(refused(() => directory().checkShareUsers('strict', ['a', 'b', 'c']))).toEqual(['userIds: must hold at most 2 user ids for strict']);
    expect(refused(() => directory().checkShareUsers('plain', ['a', 'b', 'c']))).toEqual([]);
  });

  it('answers 501 for an operation the provider lacks, and derives capabilities from what it implements', () => {
    const dir = directory();
    expect(() => dir.operation(dir.get('plain')!, 'createImage')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_OPERATION', provider: 'plain' }));
    expect(dir.capabilitiesOf(dir.get('plain')!).sort()).toEqual(['delete', 'get', 'list']);
    expect(dir.operationsOf(dir.get('plain')!)).toEqual(['deleteImage']);
  });

  it('warns when declared capabilities differ from the implemented ones', () => {
    const warnings: unknown[] = [];
    new ProviderDirectory([provider('liar', ['list', 'create'])], new Map(), { warn: (obj: unknown) => void warnings.push(obj) });
    expect(warnings).toEqual([expect.objectContaining({ provider: 'liar', declared: ['create', 'list'], derived: ['delete', 'get', 'list'] })]);
    directory(warnings);
    expect(warnings).toHaveLength(1);
  });
});
