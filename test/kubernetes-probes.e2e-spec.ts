import { GatewayProcess, spawnGateway } from './support/processes';
import { gatewayContainer, manifestOf, podEnvironment, resolveContainerPort } from './support/kubernetes';
import { sha256Hex } from './support/callers';
import { deleteKeysWithPrefix, testRedisClient, testRedisUrl, uniquePrefix } from './support/redis';
import { simEnv } from './support/stack';
import { sleep, useSim } from './support/suite-setup';

// The Deployment's probes, ports, grace period and scrape annotation against the built gateway, started with the
// pod's environment (ConfigMap, Secret, env) as the kubelet builds it. Only what cannot run here is replaced: the
// vendor endpoints and credentials (the simulators), Redis (the test database), the port (a free one on loopback)
// and the placeholder key hashes (keys of this test's own).

const deployment = manifestOf('Deployment');
const container = gatewayContainer();
const pod = podEnvironment();
const probes = { liveness: container.livenessProbe, readiness: container.readinessProbe, startup: container.startupProbe };
/** One key per AUTH_API_KEYS entry of the Secret, by entry name; the hashes go into the gateway's environment. */
const keys = Object.fromEntries(pod.AUTH_API_KEYS.split(',').map((entry) => [entry.split(':')[0], `k8s-test-key-${entry.split(':')[0]}`]));
const apiKeys = pod.AUTH_API_KEYS.split(',').map((entry) => {
  const [name, scopes] = entry.split(':');
  return `${name}:${scopes}:${sha256Hex(keys[name])}`;
}).join(',');

describe('deploy/kubernetes against the running gateway', () => {
  const suite = useSim();
  const prefix = uniquePrefix('k8s');
  let gateway: GatewayProcess;

  beforeAll(async () => {
    const { PORT: _port, ...env } = pod;
    gateway = await spawnGateway({
      ...env,
      ...simEnv(suite.sim),
      REDIS_URL: testRedisUrl(),
      CACHE_KEY_PREFIX: prefix,
      AUTH_API_KEYS: apiKeys,
      // spawnGateway's default for other suites; the pod has no AUTH_DISABLED at all.
      AUTH_DISABLED: 'false',
    });
  });

  afterAll(async () => {
    await gateway?.kill('SIGKILL');
    const redis = testRedisClient();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('sets PORT explicitly, and the container port, every probe port and the Service target are that port', () => {
    const port = Number(pod.PORT);
    expect(port).toBe(3000);
    expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
    for (const probe of Object.values(probes)) expect(resolveContainerPort(container, probe.httpGet.port)).toBe(port);
    const [servicePort] = manifestOf('Service').spec.ports;
    expect(resolveContainerPort(container, servicePort.targetPort)).toBe(port);
    expect(Number(deployment.spec.template.metadata.annotations['prometheus.io/port'])).toBe(port);
  });

  it.each(Object.keys(probes))('the %s probe’s path answers 200 without credentials', async (kind) => {
    const path = probes[kind as keyof typeof probes].httpGet.path;
    expect(path).toMatch(/^\/health\//);
    const answer = await fetch(`${gateway.url}${path}`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ status: 'ok' });
  });

  it('the scrape annotation’s path needs the ops key: 401 without, 403 for a reader, metrics for "prometheus"', async () => {
    const annotations = deployment.spec.template.metadata.annotations;
    expect(annotations['prometheus.io/scrape']).toBe('true');
    const url = `${gateway.url}${annotations['prometheus.io/path']}`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${keys.web}` } })).status).toBe(403);
    const scraped = await fetch(url, { headers: { authorization: `Bearer ${keys.prometheus}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^# HELP gateway_/m);
  });

  it('on SIGTERM: readiness 503 and liveness 200 while draining, exit 0 within terminationGracePeriodSeconds', async () => {
    const delayMs = Number(pod.SHUTDOWN_DELAY_MS);
    const graceMs = Number(pod.SHUTDOWN_GRACE_MS);
    const graceSeconds = deployment.spec.template.spec.terminationGracePeriodSeconds;
    // The drain, the grace for requests in flight and the 1 s the gateway gives the connections it cuts.
    expect(graceSeconds).toBeGreaterThanOrEqual((delayMs + graceMs) / 1000 + 1);
    // Long enough for endpoint removal to spread, and for the readiness probe to see a 503 at least once.
    expect(delayMs).toBeGreaterThanOrEqual(probes.readiness.periodSeconds * 1000);

    const sentAt = Date.now();
    gateway.child.kill('SIGTERM');
    await sleep(200);
    expect((await fetch(`${gateway.url}${probes.readiness.httpGet.path}`)).status).toBe(503);
    // Liveness must not fail during the drain, or the kubelet would kill the pod before it finished.
    expect((await fetch(`${gateway.url}${probes.liveness.httpGet.path}`)).status).toBe(200);
    const exitCode = await gateway.exited;
    expect(exitCode).toBe(0);
    const tookMs = Date.now() - sentAt;
    expect(tookMs).toBeGreaterThanOrEqual(delayMs);
    expect(tookMs).toBeLessThan(graceSeconds * 1000);
  }, 40_000);
});
