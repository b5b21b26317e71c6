import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CecstackConfig } from '@images/providers/cecstack';
import { DidiConfig } from '@images/providers/didi';
import { thrownConfigError } from '@images/testing';
import { loadGatewayConfig } from './gateway-config';
import { providersFromFile } from './provider-accounts';
import { PROVIDER_REGISTRATIONS } from './provider-registry';

const dir = mkdtempSync(join(tmpdir(), 'gw-accounts-'));
let files = 0;

/** A PROVIDERS_FILE with this text; its path. */
function providersFile(text: string, extension = 'yaml'): string {
  const path = join(dir, `providers-${files++}.${extension}`);
  writeFileSync(path, text);
  return path;
}

const asJson = (providers: unknown[]) => providersFile(JSON.stringify({ providers }), 'json');
const cecLab = { id: 'cec-lab', vendor: 'cecstack', endpoint: 'http://127.0.0.1:9', token: 'lab-token-4711', regionId: 'r0' };
const failure = (path: string) => thrownConfigError(() => providersFromFile(path, PROVIDER_REGISTRATIONS));

describe('PROVIDERS_FILE', () => {
  it('reads YAML accounts: two of one vendor under their own ids, each with its own settings', () => {
    const path = providersFile(`
providers:
  - id: cec-prod
    vendor: cecstack
    endpoint: http://127.0.0.1:8
    token: prod-token-0815
    regionId: r-prod
    tenantId: t1
  - id: didi-b
    vendor: didi
    token: didi-token-1234
    regions: [bj, gz]
`);
    const { providers, secrets } = providersFromFile(path, PROVIDER_REGISTRATIONS);
    expect(providers.map((p) => [p.id, p.registration.id])).toEqual([['cec-prod', 'cecstack'], ['didi-b', 'didi']]);
    expect(providers[0].config as CecstackConfig).toMatchObject({ endpoint: 'http://127.0.0.1:8', token: 'prod-token-0815', regionId: 'r-prod', tenantId: 't1' });
    expect((providers[1].config as DidiConfig).regions).toEqual(['bj', 'gz']);
    expect(secrets).toEqual(expect.arrayContaining(['prod-token-0815', 'didi-token-1234']));
  });

  it('reads JSON accounts, and secrets from files (trailing newline dropped) kept among the secrets', () => {
    const tokenPath = join(dir, 'cec-lab-token');
    writeFileSync(tokenPath, 'token-from-file-99\n');
    const { token, ...withoutToken } = cecLab;
    const path = asJson([{ ...withoutToken, tokenFile: tokenPath }, { id: 'uc', vendor: 'ucloud', publicKey: 'pub-1234', privateKey: 'priv-5678' }]);
    const { providers, secrets } = providersFromFile(path, PROVIDER_REGISTRATIONS);
    expect(token).toBeDefined();
    expect((providers[0].config as CecstackConfig).token).toBe('token-from-file-99');
    expect(providers.map((p) => p.id)).toEqual(['cec-lab', 'uc']);
    expect(secrets).toEqual(expect.arrayContaining(['token-from-file-99', 'priv-5678']));
  });

  it('is read instead of the per-vendor variables, whose accounts are then not enabled', () => {
    const config = loadGatewayConfig({ AUTH_DISABLED: 'true', DIDI_TOKEN: 'didi-env-token', PROVIDERS_FILE: asJson([cecLab]) }, PROVIDER_REGISTRATIONS);
    expect(config.providers.map((p) => p.id)).toEqual(['cec-lab']);
    expect(config.secrets).toContain('lab-token-4711');
    expect(config.secrets).not.toContain('didi-env-token');
  });

  const secretPath = join(dir, 'a-secret');
  writeFileSync(secretPath, 'secret-in-file-31337');
  const emptyPath = join(dir, 'empty-secret');
  writeFileSync(emptyPath, '\n');

  it.each<[string, unknown[], string]>([
    ['an unknown vendor', [{ ...cecLab, vendor: 'aws' }], 'providers[0] (cec-lab) vendor: is not a known vendor: one of didi, huawei, ucloud, cecstack'],
    ['a missing vendor', [{ id: 'x' }], 'providers[0] (x) vendor: is missing'],
    ['a bad id', [{ ...cecLab, id: 'Cec_Lab' }], 'providers[0] id: must be 1-32 of a-z, 0-9 and -'],
    ['a too long id', [{ ...cecLab, id: 'a'.repeat(33) }], 'providers[0] id: must be'],
    ['a missing id', [{ vendor: 'didi', token: 'didi-token-1' }], 'providers[0] id: is missing'],
    ['a duplicate id', [cecLab, { ...cecLab, token: 'other-token-2' }], 'providers[1] (cec-lab) id: is used by an earlier account too'],
    ['an unknown field', [{ ...cecLab, region: 'r1' }], 'providers[0] (cec-lab) region: unknown field for vendor cecstack (endpoint, token, regionId,'],
    ['another vendor\'s field', [{ id: 'd', vendor: 'didi', token: 'didi-token-1', regionId: 'r' }], 'providers[0] (d) regionId: unknown field for vendor didi'],
    ['a missing required field', [{ id: 'cec-lab', vendor: 'cecstack', endpoint: 'http://127.0.0.1:9', token: 'lab-token-4711' }], 'providers[0] (cec-lab) regionId: is missing: endpoint, token and regionId are set together'],
    ['half a credential', [{ id: 'hw', vendor: 'huawei', projectId: 'p', ak: 'ak-123456' }], 'providers[0] (hw) sk:'],
    ['no credentials at all', [{ id: 'cec-lab', vendor: 'cecstack' }], 'providers[0] (cec-lab) endpoint: is missing: the account sets none of its credentials'],
    ['a bad endpoint', [{ ...cecLab, endpoint: 'ftp://127.0.0.1' }], 'providers[0] (cec-lab) endpoint: must be an http(s) URL'],
    ['both token and tokenFile', [{ ...cecLab, tokenFile: secretPath }], 'providers[0] (cec-lab) tokenFile: and token are both set: give one of them'],
    ['an unreadable secret file', [{ ...cecLab, token: undefined, tokenFile: join(dir, 'absent') }], `providers[0] (cec-lab) tokenFile: cannot read ${join(dir, 'absent')} (ENOENT)`],
    ['an empty secret file', [{ ...cecLab, token: undefined, tokenFile: emptyPath }], `providers[0] (cec-lab) tokenFile: ${emptyPath} is empty`],
    ['a file field of a setting that is no secret', [{ ...cecLab, regionIdFile: secretPath }], 'providers[0] (cec-lab) regionIdFile: unknown field'],
    ['a number where a string is due', [{ ...cecLab, regionId: 12 }], 'providers[0] (cec-lab) regionId: must be a string (quote it in YAML)'],
    ['regions that are not a list', [{ id: 'd', vendor: 'didi', token: 'didi-token-1', regions: 'bj' }], 'providers[0] (d) regions: must be a list of strings'],
    ['an entry that is not a mapping', [cecLab, 'cec-prod'], 'providers[1]: must be a mapping'],
    ['no account', [], 'providers: lists no account'],
  ])('refuses %s, naming the file, the account and the field, never a secret', (_name, providers, expected) => {
    const path = asJson(providers);
    const error = failure(path);
    const prefix = `PROVIDERS_FILE ${path}: ${expected}`;
    expect(error.message.slice(0, prefix.length)).toBe(prefix);
    expect(error.message).not.toMatch(/lab-token-4711|secret-in-file-31337|ak-123456|didi-token-1|other-token-2/);
    expect(error.message).not.toContain('\n');
  });

  it('refuses an unreadable file and a document of another shape, naming the file', () => {
    const absent = join(dir, 'absent.yaml');
    expect(failure(absent).message).toBe(`PROVIDERS_FILE ${absent}: cannot read ${absent} (ENOENT)`);
    const list = providersFile('- id: a\n');
    expect(failure(list).message).toBe(`PROVIDERS_FILE ${list}: must hold {"providers": [ … ]}, a list of accounts`);
    const extra = providersFile('providers: []\naccounts: []\n');
    expect(failure(extra).message).toBe(`PROVIDERS_FILE ${extra}: accounts: unknown field (the file holds only "providers")`);
  });

  it('refuses text that is neither YAML nor JSON by position only: the parser would quote the line, secret and all', () => {
    const path = providersFile('providers:\n  - id: cec-lab\n    token: "lab-token-4711\n');
    const error = failure(path);
    expect(error.message).toMatch(new RegExp(`^PROVIDERS_FILE ${path}: is not valid YAML or JSON at line \\d+, column \\d+ \\([A-Z_]+\\)$`));
    expect(error.message).not.toContain('lab-token-4711');
  });

  it('refuses a key given twice in one entry (YAML would otherwise keep the last silently)', () => {
    const path = providersFile('providers:\n  - id: a\n    id: b\n    vendor: didi\n    token: didi-token-1\n');
    expect(failure(path).message).toMatch(/is not valid YAML or JSON at line 3, column \d+ \(DUPLICATE_KEY\)/);
  });
});
