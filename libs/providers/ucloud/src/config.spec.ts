import { ConfigError } from '@images/core';
import { ucloudRegistration } from './index';

describe('ucloudRegistration.fromEnv', () => {
  it('is disabled when neither key is set, whatever else is', () => {
    expect(ucloudRegistration.fromEnv({})).toBeNull();
    expect(ucloudRegistration.fromEnv({ UCLOUD_PUBLIC_KEY: '', UCLOUD_PROJECT_ID: 'org-1' })).toBeNull();
  });

  it('stops the start-up on half a key pair, naming the missing variable', () => {
    expect(() => ucloudRegistration.fromEnv({ UCLOUD_PUBLIC_KEY: 'pub' })).toThrow(new ConfigError('UCLOUD_PRIVATE_KEY', 'is required when UCLOUD_PUBLIC_KEY is set'));
    expect(() => ucloudRegistration.fromEnv({ UCLOUD_PRIVATE_KEY: 'priv' })).toThrow('UCLOUD_PUBLIC_KEY: is required when UCLOUD_PRIVATE_KEY is set');
  });

  it('applies the defaults, without a ProjectId', () => {
    expect(ucloudRegistration.fromEnv({ UCLOUD_PUBLIC_KEY: 'pub', UCLOUD_PRIVATE_KEY: 'priv' }))
      .toStrictEqual({ publicKey: 'pub', privateKey: 'priv', endpoint: 'https://api.ucloud.cn' });
  });

  it('reads the project and the endpoint', () => {
    expect(ucloudRegistration.fromEnv({ UCLOUD_PUBLIC_KEY: 'pub', UCLOUD_PRIVATE_KEY: 'priv', UCLOUD_PROJECT_ID: 'org-1', UCLOUD_ENDPOINT: 'http://127.0.0.1:9003/' }))
      .toEqual({ publicKey: 'pub', privateKey: 'priv', projectId: 'org-1', endpoint: 'http://127.0.0.1:9003' });
  });

  it.each(['api.ucloud.cn', 'file:///etc/passwd'])('rejects UCLOUD_ENDPOINT=%j', (endpoint) => {
    expect(() => ucloudRegistration.fromEnv({ UCLOUD_PUBLIC_KEY: 'pub', UCLOUD_PRIVATE_KEY: 'priv', UCLOUD_ENDPOINT: endpoint }))
      .toThrow('UCLOUD_ENDPOINT: must be an http(s) URL');
  });

  it('names its variables and both keys as secrets', () => {
    expect(ucloudRegistration.envVariables).toEqual(['UCLOUD_PUBLIC_KEY', 'UCLOUD_PRIVATE_KEY', 'UCLOUD_PROJECT_ID', 'UCLOUD_ENDPOINT']);
    expect(ucloudRegistration.secretsOf({ publicKey: 'pub', privateKey: 'priv', endpoint: 'https://x' })).toEqual(['pub', 'priv']);
  });
});
