import { cecstackConfigFromEnv } from './config';
import { cecstackRegistration } from './index';
import { thrownConfigError } from '@images/testing';

const full = { CECSTACK_ENDPOINT: 'https://ims.example.com', CECSTACK_TOKEN: 'tok', CECSTACK_REGION_ID: 'region0' };

const configError = (env: Record<string, string>) => thrownConfigError(() => cecstackConfigFromEnv(env));

describe('cecstackConfigFromEnv', () => {
  it('is disabled when none of endpoint, token, region is set', () => {
    expect(cecstackConfigFromEnv({})).toBeNull();
    expect(cecstackConfigFromEnv({ CECSTACK_TENANT_ID: 't' })).toBeNull();
  });

  it('reads the three, and keeps the write defaults when set', () => {
    expect(cecstackConfigFromEnv(full)).toEqual({ endpoint: 'https://ims.example.com', token: 'tok', regionId: 'region0' });
    expect(
      cecstackConfigFromEnv({ ...full, CECSTACK_TENANT_ID: 't1', CECSTACK_DEPARTMENT_ID: 'd1', CECSTACK_RESOURCE_GROUP_ID: 'g1' }),
    ).toEqual({ endpoint: 'https://ims.example.com', token: 'tok', regionId: 'region0', tenantId: 't1', departmentId: 'd1', resourceGroupId: 'g1' });
  });

  it('reads a bare host as https and drops a trailing slash', () => {
    expect(cecstackConfigFromEnv({ ...full, CECSTACK_ENDPOINT: 'ims.example.com' })?.endpoint).toBe('https://ims.example.com');
    expect(cecstackConfigFromEnv({ ...full, CECSTACK_ENDPOINT: 'http://127.0.0.1:4040/cec/' })?.endpoint).toBe('http://127.0.0.1:4040/cec');
  });

  it('reads a scheme in any case, and a bare host whose path holds a URL as https', () => {
    expect(cecstackConfigFromEnv({ ...full, CECSTACK_ENDPOINT: 'HTTP://127.0.0.1:4040' })?.endpoint).toBe('http://127.0.0.1:4040');
    expect(cecstackConfigFromEnv({ ...full, CECSTACK_ENDPOINT: 'ims.example.com/proxy/http://x' })?.endpoint).toBe('https://ims.example.com/proxy/http://x');
  });

  it.each<[Record<string, string>, string]>([
    [{ CECSTACK_ENDPOINT: 'https://x' }, 'CECSTACK_TOKEN'],
    [{ CECSTACK_TOKEN: 't' }, 'CECSTACK_ENDPOINT'],
    [{ CECSTACK_ENDPOINT: 'https://x', CECSTACK_TOKEN: 't' }, 'CECSTACK_REGION_ID'],
    [{ CECSTACK_REGION_ID: 'r' }, 'CECSTACK_ENDPOINT'],
    [{ ...full, CECSTACK_ENDPOINT: 'ftp://x' }, 'CECSTACK_ENDPOINT'],
  ])('%j names %s', (env, variable) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
  });

  it('says the three are set together', () => {
    expect(configError({ CECSTACK_TOKEN: 't', CECSTACK_REGION_ID: 'r' }).message)
      .toBe('CECSTACK_ENDPOINT: is missing: CECSTACK_ENDPOINT, CECSTACK_TOKEN and CECSTACK_REGION_ID are set together');
  });

  it('never puts the token in a ConfigError message', () => {
    expect(configError({ CECSTACK_TOKEN: 'TOKEN-VALUE-1' }).message).not.toContain('TOKEN-VALUE-1');
  });

  it('registers under id cecstack with the API.md variables and the token as secret', () => {
    expect(cecstackRegistration.id).toBe('cecstack');
    expect(cecstackRegistration.envVariables).toEqual([
      'CECSTACK_ENDPOINT', 'CECSTACK_TOKEN', 'CECSTACK_REGION_ID', 'CECSTACK_TENANT_ID', 'CECSTACK_DEPARTMENT_ID', 'CECSTACK_RESOURCE_GROUP_ID',
    ]);
    expect(cecstackRegistration.secretsOf(cecstackConfigFromEnv(full)!)).toEqual(['tok']);
  });
});
