import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The kustomize base (README, "Running in production", "Kubernetes"). */
export const KUBERNETES_DIR = join(__dirname, '..', '..', 'deploy', 'kubernetes');

/** Files beside the base that are deliberately not in it (they need CRDs the base does not assume). */
export const isKubernetesExtra = (file: string) => file.endsWith('.example.yaml');

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

/** Every document of one YAML file; a syntax error fails loudly rather than yielding a partial list. */
export function readManifests(file: string): Manifest[] {
  const documents = parseAllDocuments(readFileSync(join(KUBERNETES_DIR, file), 'utf8'));
  if (!Array.isArray(documents)) throw new Error(`${file}: no YAML documents`);
  return documents.map((document, index) => {
    if (document.errors.length > 0) throw new Error(`${file} document ${index + 1}: ${document.errors[0].message}`);
    return document.toJS() as Manifest;
  });
}

export interface Kustomization {
  resources: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  [field: string]: any;
}

export const readKustomization = () => readManifests('kustomization.yaml')[0] as unknown as Kustomization;

export const yamlFilesInKubernetesDir = () => readdirSync(KUBERNETES_DIR).filter((file) => /\.ya?ml$/.test(file)).sort();

/** Every object of the base, in kustomization order. */
export function baseManifests(): Manifest[] {
  return readKustomization().resources.flatMap((file) => readManifests(file));
}

export function manifestOf(kind: string, manifests: Manifest[] = baseManifests()): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} in the base, found ${found.length}`);
  return found[0];
}

/** The gateway container of the Deployment. */
export function gatewayContainer(manifests: Manifest[] = baseManifests()): any {
  const containers = manifestOf('Deployment', manifests).spec.template.spec.containers;
  if (containers.length !== 1) throw new Error(`expected one container, found ${containers.length}`);
  return containers[0];
}

/**
 * The environment a pod of the Deployment starts with: its envFrom sources in order (a later key wins), then its
 * literal `env` (which wins over envFrom), as the kubelet builds it. A valueFrom entry is refused: the tests could not
 * see its value.
 */
export function podEnvironment(manifests: Manifest[] = baseManifests()): Record<string, string> {
  const container = gatewayContainer(manifests);
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const object = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === ref.name);
    if (!object) throw new Error(`envFrom names ${kind} ${ref.name}, which is not in the base`);
    // A Secret's `data` is base64, its `stringData` plain and merged over it by the API server.
    Object.assign(env, kind === 'Secret' ? { ...decodeSecretData(object), ...object.stringData } : object.data);
  }
  for (const entry of container.env ?? []) {
    if (entry.value === undefined) throw new Error(`env ${entry.name} has no literal value`);
    env[entry.name] = String(entry.value);
  }
  return env;
}

function decodeSecretData(object: Manifest): Record<string, string> {
  return Object.fromEntries(Object.entries(object.data ?? {}).map(([key, value]) => [key, Buffer.from(String(value), 'base64').toString('utf8')]));
}

/** A container port by name or number, as a probe or a Service's targetPort names it. */
export function resolveContainerPort(container: any, port: string | number): number {
  if (typeof port === 'number') return port;
  const named = (container.ports ?? []).find((entry: any) => entry.name === port);
  if (!named) throw new Error(`no container port named ${port}`);
  return named.containerPort;
}
