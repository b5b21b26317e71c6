import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thrownConfigError } from '@images/testing';
import { loadGatewayConfig } from './gateway-config';
import { PROVIDER_REGISTRATIONS } from './provider-registry';
import { describeRedis } from './redis-config';

const didiOnly = { DIDI_TOKEN: 'token-abcdef', AUTH_DISABLED: 'true' };
const load = (env: Record<string, string>) => loadGatewayConfig({ ...didiOnly, ...env }, PROVIDER_REGISTRATIONS);
const configError = (env: Record<string, string>) => thrownConfigError(() => load(env));

describe('Redis settings', () => {
  it('reads a cluster’s seed nodes, IPv6 in brackets, and keeps its password among the secrets', () => {
    const config = load({ REDIS_CLUSTER_NODES: 'redis-0:6379, 10.0.0.2:7000,[::1]:7001', REDIS_PASSWORD: 'cluster-pass-9' });
    expect(config.redis).toEqual({
      mode: 'cluster',
      nodes: [{ host: 'redis-0', port: 6379 }, { host: '10.0.0.2', port: 7000 }, { host: '::1', port: 7001 }],
      password: 'cluster-pass-9',
    });
    expect(config.secrets).toContain('cluster-pass-9');
    expect(describeRedis(config.redis!)).toBe('cluster redis-0:6379,10.0.0.2:7000,[::1]:7001');
  });

  it('reads sentinels, the master’s name and both passwords (from files too), and describes them without a password', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-redis-'));
    writeFileSync(join(dir, 'sentinel-pass'), 'sentinel-pass-7\n');
    const config = load({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'images', REDIS_PASSWORD: 'master-pass-8', REDIS_SENTINEL_PASSWORD_FILE: join(dir, 'sentinel-pass') });
    expect(config.redis).toEqual({
      mode: 'sentinel',
      sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }],
      masterName: 'images',
      password: 'master-pass-8',
      sentinelPassword: 'sentinel-pass-7',
    });
    expect(config.secrets).toEqual(expect.arrayContaining(['master-pass-8', 'sentinel-pass-7']));
    expect(describeRedis(config.redis!)).toBe('sentinel images via s1:26379,s2:26379');
  });

  it('takes REDIS_PASSWORD beside a REDIS_URL that has none, and describes the URL without its password', () => {
    expect(load({ REDIS_URL: 'redis://127.0.0.1:6379/2', REDIS_PASSWORD: 'url-pass-1' }).redis).toEqual({ mode: 'standalone', url: 'redis://127.0.0.1:6379/2', password: 'url-pass-1' });
    expect(describeRedis(load({ REDIS_URL: 'redis://:hidden-4@127.0.0.1:6379/0' }).redis!)).toBe('redis://:***@127.0.0.1:6379/0');
    expect(load({}).redis).toBeNull();
  });

  it.each([
    [{ REDIS_URL: 'redis://127.0.0.1:6379/0', REDIS_CLUSTER_NODES: 'a:1' }, 'REDIS_URL, REDIS_CLUSTER_NODES: give only one of'],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_CLUSTER_NODES, REDIS_SENTINELS: give only one of'],
    [{ REDIS_SENTINELS: 'b:2' }, 'REDIS_SENTINEL_NAME: must name the master'],
    [{ REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINEL_NAME: is only used with REDIS_SENTINELS'],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINEL_PASSWORD: 'x-secret-1' }, 'REDIS_SENTINEL_PASSWORD: is only used with REDIS_SENTINELS'],
    [{ REDIS_PASSWORD: 'lonely-secret-2' }, 'REDIS_PASSWORD: is set without'],
    [{ REDIS_URL: 'redis://:in-url-3@127.0.0.1:6379/0', REDIS_PASSWORD: 'beside-url-3' }, 'REDIS_PASSWORD: and a password in REDIS_URL are both set'],
    [{ REDIS_CLUSTER_NODES: 'redis-0' }, 'REDIS_CLUSTER_NODES: must be a comma list of host:port, got "redis-0"'],
    [{ REDIS_CLUSTER_NODES: 'redis-0:0' }, 'REDIS_CLUSTER_NODES: must be a comma list of host:port, got "redis-0:0"'],
    [{ REDIS_CLUSTER_NODES: ' , ' }, 'REDIS_CLUSTER_NODES: must be a comma list of host:port'],
    [{ REDIS_SENTINELS: 'b:2,::1:5', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS: must be a comma list of host:port, got "::1:5"'],
  ])('refuses %j, naming the variables and never a password', (env, message) => {
    const error = configError(env as Record<string, string>);
    expect(error.message).toContain(message);
    expect(error.message).not.toMatch(/secret|in-url|beside-url/);
  });
});
