import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { Secret } from 'kubernetes-models/v1/Secret';
import { loadGatewayConfig } from '../apps/gateway/src/config/gateway-config';
import { PROVIDER_REGISTRATIONS } from '../apps/gateway/src/config/provider-registry';
import { sha256Hex } from './support/callers';
import { gatewayContainer, manifestOf, podEnvironment, readManifests } from './support/kubernetes';

// deploy/kubernetes/examples/accounts: an overlay serving several accounts from PROVIDERS_FILE, mounted from a Secret.
// No kustomize here: the patch is checked against the base by what a strategic merge keys on (names).
const DIR = 'examples/accounts';

describe('deploy/kubernetes/examples/accounts', () => {
  const kustomization = readManifests(`${DIR}/kustomization.yaml`)[0] as any;
  const [secret] = readManifests(`${DIR}/accounts-secret.yaml`);
  const [patch] = readManifests(`${DIR}/deployment-accounts.yaml`);
  const patchedPod = patch.spec.template.spec;
  const patchedContainer = patchedPod.containers[0];

  it('is an overlay of the base with the accounts Secret and a Deployment patch', () => {
    expect(kustomization.resources).toEqual(['../..', 'accounts-secret.yaml']);
    expect(kustomization.patches).toEqual([{ path: 'deployment-accounts.yaml' }]);
    expect(() => new Secret(secret as any).validate()).not.toThrow();
    expect([patch.kind, patch.metadata.name]).toEqual(['Deployment', manifestOf('Deployment').metadata.name]);
    expect(patchedContainer.name).toBe(gatewayContainer().name);
  });

  it('mounts the Secret key read-only at the path PROVIDERS_FILE names, readable by the pod user', () => {
    const providersFile = patchedContainer.env.find((entry: any) => entry.name === 'PROVIDERS_FILE').value;
    const mount = patchedContainer.volumeMounts.find((entry: any) => entry.mountPath === posix.dirname(providersFile));
    expect(mount.readOnly).toBe(true);
    const volume = patchedPod.volumes.find((entry: any) => entry.name === mount.name);
    expect(volume.secret.secretName).toBe(secret.metadata.name);
    expect(volume.secret.items).toEqual([{ key: 'providers.yaml', path: posix.basename(providersFile) }]);
    expect(Object.keys(secret.stringData)).toContain('providers.yaml');
    // Mode 0440 with the pod's group: uid 1000 of the base reads it, no one else.
    expect(volume.secret.defaultMode).toBe(0o440);
    expect(patchedPod.securityContext.fsGroup).toBe(manifestOf('Deployment').spec.template.spec.securityContext.runAsGroup);
  });

  it('holds an accounts file the gateway starts on, with the pod environment of the base', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accounts-'));
    try {
      const file = join(dir, 'providers.yaml');
      writeFileSync(file, secret.stringData['providers.yaml']);
      const env = podEnvironment();
      const apiKeys = env.AUTH_API_KEYS.split(',').map((entry) => entry.split(':').slice(0, 2).concat(sha256Hex(entry)).join(':')).join(',');
      const config = loadGatewayConfig({ ...env, AUTH_API_KEYS: apiKeys, PROVIDERS_FILE: file }, PROVIDER_REGISTRATIONS);
      expect(config.providers.map((provider) => [provider.id, provider.registration.id])).toEqual([['cec-prod', 'cecstack'], ['cec-lab', 'cecstack'], ['didi', 'didi']]);
      // The base Secret's per-vendor values are not what the accounts use.
      expect(config.secrets).toEqual(expect.arrayContaining(['change-me-too']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
