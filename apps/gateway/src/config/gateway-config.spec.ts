import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thrownConfigError } from '@images/testing';
import { loadGatewayConfig, readEnvironment } from './gateway-config';
import { PROVIDER_REGISTRATIONS } from './provider-registry';

// The caller checks have tests of their own (callers-config.spec.ts).
const didiOnly = { DIDI_TOKEN: 'token-abcdef', AUTH_DISABLED: 'true' };

const configError = (env: Record<string, string>) => thrownConfigError(() => loadGatewayConfig(env, PROVIDER_REGISTRATIONS));

describe('gateway configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadGatewayConfig(didiOnly, PROVIDER_REGISTRATIONS);
    expect(config).toMatchObject({ port: 3000, redis: null, cacheTtlSeconds: 60, cacheStaleSeconds: 600, staleWaitMs: 300, providerTimeoutMs: 5000 });
    expect(config.providers.map((p) => p.id)).toEqual(['didi']);
    expect(config.secrets).toContain('token-abcdef');
  });

  it('enables exactly the providers whose credentials are set', () => {
    const config = loadGatewayConfig(
      { ...didiOnly, UCLOUD_PUBLIC_KEY: 'pub-1234', UCLOUD_PRIVATE_KEY: 'priv-5678', CECSTACK_ENDPOINT: 'http://127.0.0.1:9', CECSTACK_TOKEN: 'tok-1234', CECSTACK_REGION_ID: 'r0' },
      PROVIDER_REGISTRATIONS,
    );
    expect(config.providers.map((p) => p.id)).toEqual(['didi', 'ucloud', 'cecstack']);
    expect(config.secrets).toEqual(expect.arrayContaining(['pub-1234', 'priv-5678', 'tok-1234']));
  });

  it.each([
    [{}, 'DIDI_TOKEN'],
    [{ ...didiOnly, PORT: 'eighty' }, 'PORT'],
    [{ ...didiOnly, PORT: '70000' }, 'PORT'],
    [{ ...didiOnly, CACHE_TTL_SECONDS: '-1' }, 'CACHE_TTL_SECONDS'],
    [{ ...didiOnly, CACHE_STALE_SECONDS: '1.5' }, 'CACHE_STALE_SECONDS'],
    [{ ...didiOnly, PROVIDER_TIMEOUT_MS: '5s' }, 'PROVIDER_TIMEOUT_MS'],
    [{ ...didiOnly, STALE_WAIT_MS: '-5' }, 'STALE_WAIT_MS'],
    [{ ...didiOnly, REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ UCLOUD_PUBLIC_KEY: 'pub-1234' }, 'UCLOUD_PRIVATE_KEY'],
    [{ HUAWEI_PROJECT_ID: 'p', HUAWEI_AK: 'ak-123456' }, 'HUAWEI_SK'],
    [{ CECSTACK_ENDPOINT: 'http://127.0.0.1:9', CECSTACK_TOKEN: 'tok-1234' }, 'CECSTACK_REGION_ID'],
  ])('fails fast naming the variable: %j', (env, variable) => {
    const error = configError(env as Record<string, string>);
    expect(error.message).toContain(variable);
    expect(error.message).not.toContain('\n');
  });

  it('keeps a Redis password among the secrets, even one that is not valid percent-encoding', () => {
    const config = loadGatewayConfig({ ...didiOnly, REDIS_URL: 'redis://:pa%zz@127.0.0.1:6379/0' }, PROVIDER_REGISTRATIONS);
    expect(config.secrets).toContain('pa%zz');
    expect(loadGatewayConfig({ ...didiOnly, REDIS_URL: 'redis://:s%40cret@127.0.0.1:6379/0' }, PROVIDER_REGISTRATIONS).secrets).toContain('s@cret');
  });

  it('reads a secret from NAME_FILE (a mounted secret), trailing newline dropped, and keeps it among the secrets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-secret-'));
    writeFileSync(join(dir, 'didi-token'), 'token-from-file-42\n');
    writeFileSync(join(dir, 'api-keys'), `ops:ops:${'ab'.repeat(32)}\n`);
    const config = loadGatewayConfig({ DIDI_TOKEN_FILE: join(dir, 'didi-token'), AUTH_API_KEYS_FILE: join(dir, 'api-keys') }, PROVIDER_REGISTRATIONS);
    expect(config.providers.map((p) => p.id)).toEqual(['didi']);
    expect(config.secrets).toContain('token-from-file-42');
    expect(config.callers.apiKeys.map((key) => key.name)).toEqual(['ops']);
  });

  it('refuses NAME_FILE beside NAME, and a file it cannot read, naming NAME_FILE and never a value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-secret-'));
    writeFileSync(join(dir, 'token'), 'token-in-file-77');
    const both = configError({ ...didiOnly, DIDI_TOKEN_FILE: join(dir, 'token') });
    expect(both.message).toMatch(/^DIDI_TOKEN_FILE: and DIDI_TOKEN are both set/);
    expect(both.message).not.toContain('token-abcdef');
    const missing = configError({ AUTH_DISABLED: 'true', HUAWEI_PROJECT_ID: 'p', HUAWEI_AK: 'ak-123456', HUAWEI_SK_FILE: join(dir, 'absent') });
    expect(missing.message).toBe(`HUAWEI_SK_FILE: cannot read ${join(dir, 'absent')} (ENOENT)`);
  });

  it('reads a .env file, with the environment taking precedence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'DIDI_TOKEN=from-file-123\nPORT=4000\n');
    expect(readEnvironment({ PORT: '5000' }, file)).toMatchObject({ DIDI_TOKEN: 'from-file-123', PORT: '5000' });
    expect(readEnvironment({}, join(dir, 'missing.env'))).toEqual({});
  });
});
