import { recordingDeps } from '@images/testing';
import { DidiConfig, didiRegistration } from './index';

const config: DidiConfig = { token: 'token-a', regions: ['bj', 'gz'], endpoint: 'https://open.didiyunapi.com' };
const scopeOf = (c: DidiConfig) => didiRegistration.create(c, recordingDeps()).accountScope;

describe('DidiProvider', () => {
  it('describes itself', () => {
    const provider = didiRegistration.create(config, recordingDeps());
    expect(provider.id).toBe('didi');
    expect(provider.displayName).toBe('DiDi Cloud');
    expect(provider.capabilities).toEqual(['list']);
    expect(provider.getImage).toBeUndefined();
  });

  it('scopes the cache by endpoint, token and region set, never showing the token', () => {
    const scope = scopeOf(config);
    expect(scope).not.toContain('token-a');
    expect(scopeOf({ ...config, regions: ['gz', 'bj'] })).toBe(scope);
    expect(scopeOf({ ...config, token: 'token-b' })).not.toBe(scope);
    expect(scopeOf({ ...config, regions: ['bj'] })).not.toBe(scope);
    expect(scopeOf({ ...config, endpoint: 'http://127.0.0.1:9001' })).not.toBe(scope);
  });
});
