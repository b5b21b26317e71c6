import { recordingDeps } from '@images/testing';
import { UcloudConfig, ucloudRegistration } from './index';

const config: UcloudConfig = { publicKey: 'public-a', privateKey: 'private-a', projectId: 'org-1', endpoint: 'https://api.ucloud.cn' };
const scopeOf = (c: UcloudConfig) => ucloudRegistration.create(c, recordingDeps()).accountScope;

describe('UcloudProvider', () => {
  it('describes itself', () => {
    const provider = ucloudRegistration.create(config, recordingDeps());
    expect(provider.id).toBe('ucloud');
    expect(provider.displayName).toBe('UCloud');
    expect(provider.capabilities).toEqual(['list']);
    expect(provider.getImage).toBeUndefined();
  });

  it('scopes the cache by endpoint, public key and project, never showing a key', () => {
    const scope = scopeOf(config);
    expect(scope).not.toContain('public-a');
    expect(scopeOf({ ...config, privateKey: 'rotated' })).toBe(scope);
    expect(scopeOf({ ...config, publicKey: 'public-b' })).not.toBe(scope);
    expect(scopeOf({ ...config, projectId: undefined })).not.toBe(scope);
    expect(scopeOf({ ...config, endpoint: 'http://127.0.0.1:9003' })).not.toBe(scope);
  });
});
