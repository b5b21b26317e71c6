import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@images/core';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { loadGatewayConfig } from '../apps/gateway/src/config/gateway-config';
import { PROVIDER_REGISTRATIONS } from '../apps/gateway/src/config/provider-registry';
import { sha256Hex } from './support/callers';
import {
  baseManifests, gatewayContainer, isKubernetesExtra, KUBERNETES_DIR, Manifest, manifestOf, podEnvironment, readKustomization,
  readManifests, yamlFilesInKubernetesDir,
} from './support/kubernetes';

// kubectl and kustomize are not on this machine: the manifests are checked against the Kubernetes OpenAPI schemas
// offline (kubernetes-models), plus what the schemas cannot know about this gateway.

type Validatable = new (data: any) => { validate(): void };
const MODELS: Record<string, Validatable> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

function validate(manifest: Manifest): void {
  const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) throw new Error(`no schema known for ${manifest.apiVersion} ${manifest.kind}`);
  new Model(manifest).validate();
}

/** Every variable name loadGatewayConfig looks up for this environment. */
function variablesRead(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(env, { get: (target, name) => (typeof name === 'string' && read.add(name), target[name as string]) });
  loadGatewayConfig(recording, PROVIDER_REGISTRATIONS);
  return read;
}

/** AUTH_API_KEYS with each placeholder replaced by the hash of a key of the test's own, names and scopes kept. */
function withRealKeyHashes(apiKeys: string): string {
  return apiKeys.split(',').map((entry) => entry.split(':').slice(0, 2).concat(sha256Hex(`test-${entry}`)).join(':')).join(',');
}

describe('deploy/kubernetes: the kustomize base', () => {
  it('lists every YAML file of the folder but the extras, and every one it lists exists', () => {
    const kustomization = readKustomization();
    expect(kustomization.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
    expect(kustomization.kind).toBe('Kustomization');
    for (const file of kustomization.resources) expect(existsSync(join(KUBERNETES_DIR, file))).toBe(true);
    const expected = yamlFilesInKubernetesDir().filter((file) => file !== 'kustomization.yaml' && !isKubernetesExtra(file));
    expect([...kustomization.resources].sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThanOrEqual(7);
  });

  it('every document validates against the Kubernetes schema of its apiVersion and kind', () => {
    const manifests = baseManifests();
    expect(manifests.map((m) => m.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'PodDisruptionBudget', 'Secret', 'Service'],
    );
    for (const manifest of manifests) expect(() => validate(manifest)).not.toThrow();
  });

  it('the validation does fail a broken manifest and an unknown kind', () => {
    const deployment = structuredClone(manifestOf('Deployment'));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => validate(deployment)).toThrow(/containerPort must be integer/);
    const pdb = structuredClone(manifestOf('PodDisruptionBudget'));
    pdb.spec.maxUnavailable = { one: 1 };
    expect(() => validate(pdb)).toThrow(/maxUnavailable/);
    expect(() => validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } })).toThrow(/no schema known/);
  });

  it('names the image only through the kustomize images entry, so an overlay sets the tag', () => {
    const [image] = readKustomization().images ?? [];
    expect(gatewayContainer().image).toBe(image.name);
    expect(image.newTag).toMatch(/\S/);
  });

  it('selects the Deployment’s pods in the Service, PDB and NetworkPolicy, and scales it in the HPA', () => {
    const deployment = manifestOf('Deployment');
    const podLabels = deployment.spec.template.metadata.labels;
    const matches = (selector: Record<string, string>) => Object.entries(selector).every(([key, value]) => podLabels[key] === value);
    expect(matches(deployment.spec.selector.matchLabels)).toBe(true);
    expect(matches(manifestOf('Service').spec.selector)).toBe(true);
    expect(matches(manifestOf('PodDisruptionBudget').spec.selector.matchLabels)).toBe(true);
    expect(matches(manifestOf('NetworkPolicy').spec.podSelector.matchLabels)).toBe(true);
    const hpa = manifestOf('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.metrics.map((metric: any) => metric.resource?.name)).toEqual(['cpu']);
    // One replica could be drained while it is the only one.
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.replicas).toBeUndefined();
  });

  it('runs the container as a non-root number, read-only, without privileges or capabilities', () => {
    const pod = manifestOf('Deployment').spec.template.spec;
    const container = gatewayContainer();
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    // The image's USER is a name ("node"), which runAsNonRoot cannot check: the pod must give the uid.
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toEqual({
      readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] },
    });
  });

  it('gives the memory limit room above the 80,000-image peak RSS and caps the V8 heap below it', () => {
    const mebibytes = (quantity: string) => Number(/^(\d+)Mi$/.exec(quantity)?.[1] ?? NaN);
    const { requests, limits } = gatewayContainer().resources;
    expect(mebibytes(requests.memory)).toBeGreaterThanOrEqual(150);
    expect(mebibytes(limits.memory)).toBeGreaterThanOrEqual(367 + 64);
    const heap = Number(/--max-old-space-size=(\d+)/.exec(podEnvironment().NODE_OPTIONS ?? '')?.[1]);
    expect(heap).toBeLessThan(mebibytes(limits.memory));
    expect(requests.cpu).toBeDefined();
  });

  it('sets only variables the gateway reads (a misspelt name would be silently ignored)', () => {
    const env = podEnvironment();
    env.AUTH_API_KEYS = withRealKeyHashes(env.AUTH_API_KEYS);
    const read = variablesRead(env);
    // NODE_OPTIONS is read by Node itself.
    const unread = Object.keys(env).filter((name) => name !== 'NODE_OPTIONS' && !read.has(name));
    expect(unread).toEqual([]);
    expect(Object.keys(env).length).toBeGreaterThan(15);
    // The recorder does see a name the gateway does not know.
    expect(variablesRead({ ...env, CACHE_TTL_SECOND: '5' }).has('CACHE_TTL_SECOND')).toBe(false);
  });

  it('ships only fake secrets, and as shipped the gateway refuses to start until AUTH_API_KEYS holds real hashes', () => {
    const secret = manifestOf('Secret');
    expect(secret.data).toBeUndefined();
    for (const value of Object.values<string>(secret.stringData)) expect(value).toContain('change-me');
    let error: unknown;
    try {
      loadGatewayConfig(podEnvironment(), PROVIDER_REGISTRATIONS);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('AUTH_API_KEYS');
    // Each entry's name and scopes are real: only the hash is missing.
    expect(() => loadGatewayConfig({ ...podEnvironment(), AUTH_API_KEYS: withRealKeyHashes(secret.stringData.AUTH_API_KEYS) }, PROVIDER_REGISTRATIONS)).not.toThrow();
  });

  it('keeps the PodMonitor example out of the base, aimed at the pods’ metrics port with a key', () => {
    const extras = yamlFilesInKubernetesDir().filter(isKubernetesExtra);
    expect(extras).toEqual(['podmonitor.example.yaml']);
    const [monitor] = readManifests('podmonitor.example.yaml');
    expect(`${monitor.apiVersion}/${monitor.kind}`).toBe('monitoring.coreos.com/v1/PodMonitor');
    const deployment = manifestOf('Deployment');
    expect(monitor.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    const [endpoint] = monitor.spec.podMetricsEndpoints;
    expect(gatewayContainer().ports.map((port: any) => port.name)).toContain(endpoint.port);
    expect(endpoint.path).toBe(deployment.spec.template.metadata.annotations['prometheus.io/path']);
    expect(endpoint.authorization.credentials.key).toMatch(/\S/);
  });
});
