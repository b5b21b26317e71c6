import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { COMPOSE_FILE, RunningCommand, Translation, freePortRange, healthcheckArgv, imageRuntime, localEnvironment, readCompose, runCommand, runToEnd, waitForAnswer } from './support/container';
import { freePort } from './support/processes';
import { deleteKeysWithPrefix, testRedisClient, testRedisUrl, uniquePrefix } from './support/redis';

// The image's start commands, as the Dockerfile and docker-compose.yml give them, run from the repository root against
// the built dist with the compose file's environment (ports, Redis and listen hosts translated to this machine): no
// container engine runs on the CI machine, so this is how the image's commands are tested.

const image = imageRuntime();
const { services } = readCompose();
const commandOf = (name: string) => services[name].command ?? image.cmd;
const envOf = (name: string, t: Translation) => localEnvironment({ ...image.env, ...services[name].environment }, t);

describe('the image started as docker-compose.yml starts it', () => {
  let t: Translation;
  let sim: RunningCommand;
  let forward: RunningCommand;
  let gateway: RunningCommand;
  let devKey: string;
  const gatewayUrl = () => `http://127.0.0.1:${t.gatewayPort}`;

  beforeAll(async () => {
    t = {
      composeSimBase: Number(services['vendor-sim'].environment!.SIM_PORT_BASE),
      simBase: await freePortRange(5),
      gatewayPort: await freePort(),
      forwardPort: await freePort(),
      redisUrl: testRedisUrl(),
      keyPrefix: uniquePrefix('compose'),
    };
    // The compose file's comment names the local caller's key; its hash is in AUTH_API_KEYS.
    devKey = /its key is (\S+)/.exec(readFileSync(COMPOSE_FILE, 'utf8'))![1];
    sim = runCommand(commandOf('vendor-sim'), envOf('vendor-sim', t));
    await waitForAnswer(`http://127.0.0.1:${t.simBase}/latency`, sim);
    forward = runCommand(commandOf('sim-admin'), envOf('sim-admin', t));
    gateway = runCommand(commandOf('gateway'), envOf('gateway', t));
    await waitForAnswer(`http://127.0.0.1:${t.forwardPort}/latency`, forward);
    await waitForAnswer(`${gatewayUrl()}/health/ready`, gateway);
  });

  afterAll(async () => {
    await Promise.all([gateway, forward, sim].filter(Boolean).map((running) => running.stop('SIGKILL')));
    const redis = testRedisClient();
    await deleteKeysWithPrefix(redis, t.keyPrefix);
    await redis.quit();
  });

  it("uses the Dockerfile's CMD for the gateway and the compose file's commands for the rest", () => {
    expect(commandOf('gateway')).toEqual(image.cmd);
    expect(commandOf('vendor-sim')).toEqual(['node', 'dist/apps/vendor-sim/apps/vendor-sim/src/main.js']);
    expect(commandOf('sim-admin').slice(0, 2)).toEqual(['node', '-e']);
  });

  it('the gateway is ready, and the dev key of the comment is the one configured', async () => {
    expect((await fetch(`${gatewayUrl()}/health/ready`)).status).toBe(200);
    const configured = services.gateway.environment!.AUTH_API_KEYS.split(':').pop();
    expect(createHash('sha256').update(devKey).digest('hex')).toBe(configured);
    expect((await fetch(`${gatewayUrl()}/images?limit=1`)).status).toBe(401);
  });

  it('GET /images with the dev key answers images from all four providers', async () => {
    const headers = { authorization: `Bearer ${devKey}` };
    const response = await fetch(`${gatewayUrl()}/images?limit=5`, { headers });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { sources: { provider: string; status: string; count: number }[] };
    const sources = Object.fromEntries(body.sources.map((source) => [source.provider, source.status]));
    expect(sources).toEqual({ didi: 'ok', huawei: 'ok', ucloud: 'ok', cecstack: 'ok' });
    for (const provider of Object.keys(sources)) {
      const page = (await (await fetch(`${gatewayUrl()}/images?provider=${provider}&limit=1`, { headers })).json()) as { items: { provider: string }[] };
      expect(page.items.map((item) => item.provider)).toEqual([provider]);
    }
  });

  it("the published admin port (sim-admin's forward) reaches the simulators' admin API", async () => {
    const response = await fetch(`http://127.0.0.1:${t.forwardPort}/stats`);
    expect(response.status).toBe(200);
    const stats = (await response.json()) as Record<string, { requests: number }>;
    // The gateway's fetches above reached the same simulators the forwarded admin API describes.
    for (const vendor of ['didi', 'huawei', 'ucloud', 'cecstack']) expect(stats[vendor].requests).toBeGreaterThan(0);
  });

  it("the image's HEALTHCHECK passes against the gateway and fails against a closed port", async () => {
    expect(await runToEnd(image.healthcheck, envOf('gateway', t))).toMatchObject({ status: 0 });
    const closed = await freePort();
    expect(await runToEnd(image.healthcheck, { ...envOf('gateway', t), PORT: String(closed) })).toMatchObject({ status: 1 });
  });

  it("the compose healthchecks of the simulators and the forward pass, and fail when what they ask is down", async () => {
    for (const name of ['vendor-sim', 'sim-admin']) expect({ name, ...(await runToEnd(healthcheckArgv(services[name]), envOf(name, t))) }).toMatchObject({ name, status: 0 });
    const closed = { ...t, simBase: await freePort(), forwardPort: await freePort() };
    for (const name of ['vendor-sim', 'sim-admin']) expect({ name, ...(await runToEnd(healthcheckArgv(services[name]), envOf(name, closed))) }).toMatchObject({ name, status: 1 });
  });

  it('each command stops with exit 0 on SIGTERM (as PID 1 in a container, a process without a handler would not stop)', async () => {
    const [gatewayCode, forwardCode, simCode] = await Promise.all([gateway.stop(), forward.stop(), sim.stop()]);
    expect({ gatewayCode, forwardCode, simCode }).toEqual({ gatewayCode: 0, forwardCode: 0, simCode: 0 });
  });
});
