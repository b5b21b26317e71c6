import { huaweiConfigFromEnv, huaweiSecrets } from './config';
import { huaweiRegistration } from './index';
import { thrownConfigError } from '@images/testing';

const configError = (env: Record<string, string>) => thrownConfigError(() => huaweiConfigFromEnv(env));

describe('huaweiConfigFromEnv', () => {
  it('is disabled when nothing is set, even with region or endpoint', () => {
    expect(huaweiConfigFromEnv({})).toBeNull();
    expect(huaweiConfigFromEnv({ HUAWEI_REGION: 'cn-east-3', HUAWEI_ENDPOINT: 'https://x' })).toBeNull();
  });

  it('enables AK/SK with the default region and endpoint', () => {
    expect(huaweiConfigFromEnv({ HUAWEI_PROJECT_ID: 'p1', HUAWEI_AK: 'ak', HUAWEI_SK: 'sk' })).toStrictEqual({
      endpoint: 'https://workspace.cn-north-4.myhuaweicloud.com',
      region: 'cn-north-4',
      projectId: 'p1',
      credentials: { kind: 'aksk', accessKey: 'ak', secretKey: 'sk' },
    });
  });

  it('enables a token and derives the endpoint from HUAWEI_REGION', () => {
    expect(huaweiConfigFromEnv({ HUAWEI_PROJECT_ID: 'p1', HUAWEI_TOKEN: 'tok', HUAWEI_REGION: 'ap-southeast-3' })).toMatchObject({
      endpoint: 'https://workspace.ap-southeast-3.myhuaweicloud.com',
      region: 'ap-southeast-3',
      credentials: { kind: 'token', token: 'tok' },
    });
  });

  it('keeps a token-only config to its token: no ignored token, one secret', () => {
    const config = huaweiConfigFromEnv({ HUAWEI_PROJECT_ID: 'p', HUAWEI_TOKEN: 'tok-1' })!;
    expect(config).toStrictEqual({ endpoint: 'https://workspace.cn-north-4.myhuaweicloud.com', region: 'cn-north-4', projectId: 'p', credentials: { kind: 'token', token: 'tok-1' } });
    expect(huaweiSecrets(config)).toEqual(['tok-1']);
  });

  it('prefers AK/SK when both forms are set, and still lists the token as a secret', () => {
    const config = huaweiConfigFromEnv({ HUAWEI_PROJECT_ID: 'p', HUAWEI_AK: 'ak-1', HUAWEI_SK: 'sk-1', HUAWEI_TOKEN: 'tok-1' });
    expect(config?.credentials).toEqual({ kind: 'aksk', accessKey: 'ak-1', secretKey: 'sk-1' });
    expect(huaweiSecrets(config!).sort()).toEqual(['ak-1', 'sk-1', 'tok-1']);
    expect(huaweiRegistration.secretsOf(config!)).toHaveLength(3);
  });

  it('takes an explicit endpoint, without its trailing slash', () => {
    expect(huaweiConfigFromEnv({ HUAWEI_PROJECT_ID: 'p', HUAWEI_TOKEN: 't', HUAWEI_ENDPOINT: 'http://127.0.0.1:4010/huawei/' })?.endpoint).toBe('http://127.0.0.1:4010/huawei');
  });

  it.each<[Record<string, string>, string]>([
    [{ HUAWEI_PROJECT_ID: 'p', HUAWEI_AK: 'ak' }, 'HUAWEI_SK'],
    [{ HUAWEI_PROJECT_ID: 'p', HUAWEI_SK: 'sk' }, 'HUAWEI_AK'],
    [{ HUAWEI_PROJECT_ID: 'p', HUAWEI_AK: 'ak', HUAWEI_TOKEN: 't' }, 'HUAWEI_SK'],
    [{ HUAWEI_AK: 'ak', HUAWEI_SK: 'sk' }, 'HUAWEI_PROJECT_ID'],
    [{ HUAWEI_TOKEN: 't' }, 'HUAWEI_PROJECT_ID'],
    [{ HUAWEI_PROJECT_ID: 'p' }, 'HUAWEI_AK'],
    [{ HUAWEI_PROJECT_ID: 'p', HUAWEI_TOKEN: 't', HUAWEI_ENDPOINT: 'ftp://x' }, 'HUAWEI_ENDPOINT'],
    [{ HUAWEI_PROJECT_ID: 'p', HUAWEI_TOKEN: 't', HUAWEI_ENDPOINT: 'not a url' }, 'HUAWEI_ENDPOINT'],
    [{ HUAWEI_PROJECT_ID: 'p', HUAWEI_TOKEN: 't', HUAWEI_REGION: 'evil.com/x' }, 'HUAWEI_REGION'],
  ])('%j names %s', (env, variable) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
  });

  it.each<[Record<string, string>, string]>([
    [{ HUAWEI_PROJECT_ID: 'p', HUAWEI_AK: 'ak' }, 'HUAWEI_SK: is required with HUAWEI_AK'],
    [{ HUAWEI_PROJECT_ID: 'p', HUAWEI_SK: 'sk' }, 'HUAWEI_AK: is required with HUAWEI_SK'],
    [{ HUAWEI_PROJECT_ID: 'p' }, 'HUAWEI_AK: HUAWEI_AK and HUAWEI_SK, or HUAWEI_TOKEN, are required with HUAWEI_PROJECT_ID'],
    [{ HUAWEI_TOKEN: 't' }, 'HUAWEI_PROJECT_ID: is required with Huawei credentials'],
    [{ HUAWEI_PROJECT_ID: 'p', HUAWEI_TOKEN: 't', HUAWEI_REGION: 'CN_NORTH' }, 'HUAWEI_REGION: is not a region id like cn-north-4'],
  ])('%j stops the start-up saying what to set: %s', (env, message) => {
    expect(configError(env).message).toBe(message);
  });

  it('never puts a credential in a ConfigError message', () => {
    expect(configError({ HUAWEI_PROJECT_ID: 'p', HUAWEI_AK: 'AK-VALUE-1' }).message).not.toContain('AK-VALUE-1');
  });

  it('treats blank values as unset', () => {
    expect(huaweiConfigFromEnv({ HUAWEI_PROJECT_ID: ' ', HUAWEI_TOKEN: '' })).toBeNull();
  });

  it('registers under id huawei with exactly the API.md variables', () => {
    expect(huaweiRegistration.id).toBe('huawei');
    expect([...huaweiRegistration.envVariables].sort()).toEqual(['HUAWEI_AK', 'HUAWEI_ENDPOINT', 'HUAWEI_PROJECT_ID', 'HUAWEI_REGION', 'HUAWEI_SK', 'HUAWEI_TOKEN']);
  });
});
