import { OPERATION_CAPABILITY, OperationName } from '@images/core';
import { recordingDeps } from '@images/testing';
import { DidiConfig, didiRegistration } from './index';

const config: DidiConfig = { token: 'token-a', regions: ['bj', 'gz'], endpoint: 'https://open.didiyunapi.com' };
const scopeOf = (c: DidiConfig) => didiRegistration.create(c, recordingDeps()).accountScope;

describe('DidiProvider', () => {
  it('describes itself', () => {
    const provider = didiRegistration.create(config, recordingDeps());
    expect(provider.id).toBe('didi');
    expect(provider.displayName).toBe('DiDi Cloud');
    expect(provider.capabilities).toEqual(['list', 'create', 'update', 'delete', 'copy', 'operations']);
    // Every listed capability is backed by its method (OPERATION_CAPABILITY), and nothing else is offered.
    const offered = (Object.keys(OPERATION_CAPABILITY) as OperationName[]).filter((name) => typeof provider[name] === 'function');
    expect(offered).toEqual(['createImage', 'updateImage', 'deleteImage', 'copyImage', 'getOperation']);
    expect(offered.map((name) => OPERATION_CAPABILITY[name])).toEqual(provider.capabilities.filter((c) => c !== 'list'));
    // DiDi has no get-by-id: a lookup would list every region.
    expect(provider.getImage).toBeUndefined();
  });

  it('scopes the cache by endpoint, token and region set, never showing the token', () => {
    const scope = scopeOf(config);
    expect(scope).not.toContain('token-a');
    expect(scopeOf({ ...config, regions: ['gz', 'bj'] })).toBe(scope);
    expect(scopeOf({ ...config, token: 'token-b' })).not.toBe(scope);
    expect(scopeOf({ ...config, regions: ['bj'] })).not.toBe(scope);
    expect(scopeOf({ ...config, endpoint: 'http://127.0.0.1:9001' })).not.toBe(scope);
    // Region lists that would run together name other accounts' catalogs.
    expect(scopeOf({ ...config, regions: ['bjgz'] })).not.toBe(scope);
  });
});
