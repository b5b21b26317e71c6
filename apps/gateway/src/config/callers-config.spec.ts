import { thrownConfigError } from '@images/testing';
import { loadCallersConfig, loadLimitsConfig } from './callers-config';

const HASH = 'a'.repeat(64);

const failure = (env: Record<string, string>, load: (env: Record<string, string>) => unknown = loadCallersConfig) => thrownConfigError(() => load(env));

describe('callers configuration (API.md section 8)', () => {
  it('reads API keys as name, scopes and hash, never the key', () => {
    const config = loadCallersConfig({ AUTH_API_KEYS: `web:images.read:${HASH}, deployer:images.read+images.write+ops:${'b'.repeat(64)}` });
    expect(config.apiKeys.map(({ name, scopes }) => ({ name, scopes }))).toEqual([
      { name: 'web', scopes: ['images.read'] },
      { name: 'deployer', scopes: ['images.read', 'images.write', 'ops'] },
    ]);
    expect(config.apiKeys[0].sha256).toEqual(Buffer.from(HASH, 'hex'));
    expect(config).toMatchObject({ disabled: false, jwt: null, docsPublic: false, corsOrigins: [] });
  });

  it('reads the JWT settings and the exact CORS origins', () => {
    const config = loadCallersConfig({ AUTH_JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json', AUTH_JWT_ISSUER: 'https://idp.example', CORS_ORIGINS: 'https://app.example, http://127.0.0.1:8080' });
    expect(config.jwt).toEqual({ jwksUrl: 'https://idp.example/.well-known/jwks.json', issuer: 'https://idp.example', audience: null, refetchCooldownMs: 30_000 });
    expect(config.corsOrigins).toEqual(['https://app.example', 'http://127.0.0.1:8080']);
    // A query (some identity providers need one) is kept; http is fine to a loopback address.
    expect(loadCallersConfig({ AUTH_JWT_JWKS_URL: 'https://login.example/keys?appid=42' }).jwt?.jwksUrl).toBe('https://login.example/keys?appid=42');
    expect(loadCallersConfig({ AUTH_JWT_JWKS_URL: 'http://127.0.0.1:9000/jwks.json' }).jwt?.jwksUrl).toBe('http://127.0.0.1:9000/jwks.json');
  });

  it('reads which proxies may name the caller', () => {
    expect(loadCallersConfig({ AUTH_DISABLED: 'true' }).trustProxy).toBe(false);
    expect(loadCallersConfig({ AUTH_DISABLED: 'true', TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadCallersConfig({ AUTH_DISABLED: 'true', TRUST_PROXY: '10.0.0.0/8, 192.168.1.7, ::1' }).trustProxy).toBe('10.0.0.0/8,192.168.1.7,::1');
  });

  it('refuses to start with no way to identify a caller, unless AUTH_DISABLED=true', () => {
    expect(failure({}).message).toMatch(/^AUTH_API_KEYS: no caller can be identified/);
    expect(loadCallersConfig({ AUTH_DISABLED: 'true' })).toMatchObject({ disabled: true, apiKeys: [] });
  });

  it.each([
    [{ AUTH_API_KEYS: 'web:images.read' }, 'AUTH_API_KEYS', 'name:scopes:sha256hex'],
    [{ AUTH_API_KEYS: `web:images.read:${HASH}:x` }, 'AUTH_API_KEYS', 'name:scopes:sha256hex'],
    [{ AUTH_API_KEYS: `we b:images.read:${HASH}` }, 'AUTH_API_KEYS', 'the name'],
    [{ AUTH_API_KEYS: `web:images.admin:${HASH}` }, 'AUTH_API_KEYS', 'scopes must be'],
    [{ AUTH_API_KEYS: `web::${HASH}` }, 'AUTH_API_KEYS', 'scopes must be'],
    [{ AUTH_API_KEYS: 'web:images.read:my-secret-key' }, 'AUTH_API_KEYS', 'never the key itself'],
    [{ AUTH_API_KEYS: `web:images.read:${HASH.toUpperCase()}` }, 'AUTH_API_KEYS', 'lowercase hex'],
    [{ AUTH_API_KEYS: `web:images.read:${HASH},web:ops:${HASH}` }, 'AUTH_API_KEYS', 'given twice'],
    [{ AUTH_DISABLED: 'yes' }, 'AUTH_DISABLED', 'true or false'],
    [{ AUTH_DISABLED: 'true', DOCS_PUBLIC: '1' }, 'DOCS_PUBLIC', 'true or false'],
    [{ AUTH_JWT_JWKS_URL: 'ftp://idp/jwks' }, 'AUTH_JWT_JWKS_URL', 'https URL'],
    [{ AUTH_JWT_JWKS_URL: 'http://idp.example/jwks' }, 'AUTH_JWT_JWKS_URL', 'loopback'],
    [{ AUTH_API_KEYS: `a:images.read:${HASH},b:ops:${HASH}` }, 'AUTH_API_KEYS', 'same key'],
    [{ AUTH_API_KEYS: `web:images.read:${HASH}`, AUTH_JWT_AUDIENCE: 'api' }, 'AUTH_JWT_AUDIENCE', 'without AUTH_JWT_JWKS_URL'],
    [{ AUTH_DISABLED: 'true', TRUST_PROXY: '10.0.0.0/8,proxy.example' }, 'TRUST_PROXY', 'not an address'],
    [{ AUTH_DISABLED: 'true', CORS_ORIGINS: 'https://app.example/' }, 'CORS_ORIGINS', 'exact origin'],
    [{ AUTH_DISABLED: 'true', CORS_ORIGINS: '*' }, 'CORS_ORIGINS', 'exact origin'],
  ])('fails fast naming the variable: %j', (env, variable, words) => {
    const error = failure(env as Record<string, string>);
    expect(error.message.startsWith(`${variable}:`)).toBe(true);
    expect(error.message).toContain(words);
    expect(error.message).not.toContain('\n');
    // A key given where its hash belongs is not repeated back.
    expect(error.message).not.toContain('my-secret-key');
  });

  it('applies the documented limits, and refuses what makes no sense', () => {
    expect(loadLimitsConfig({})).toEqual({
      requestsPerMinute: 600, writesPerMinute: 60, bodyLimitBytes: 65_536, requestTimeoutMs: 30_000, maxConnections: 2048,
      downloadMaxConcurrency: 16, downloadMaxPerCaller: 4, downloadStallMs: 30_000, downloadReclaimEveryMib: 2, eventsMaxStreamsPerCaller: 5,
    });
    expect(loadLimitsConfig({ RATE_LIMIT_PER_MINUTE: '0' }).requestsPerMinute).toBe(0);
    expect(failure({ BODY_LIMIT_BYTES: '10' }, loadLimitsConfig).message).toContain('BODY_LIMIT_BYTES');
    expect(failure({ REQUEST_TIMEOUT_MS: '5s' }, loadLimitsConfig).message).toContain('REQUEST_TIMEOUT_MS');
    expect(failure({ DOWNLOAD_MAX_CONCURRENCY: '0' }, loadLimitsConfig).message).toContain('DOWNLOAD_MAX_CONCURRENCY');
    expect(loadLimitsConfig({ DOWNLOAD_RECLAIM_EVERY_MIB: '0' }).downloadReclaimEveryMib).toBe(0);
    expect(failure({ DOWNLOAD_RECLAIM_EVERY_MIB: '-1' }, loadLimitsConfig).message).toContain('DOWNLOAD_RECLAIM_EVERY_MIB');
  });
});
