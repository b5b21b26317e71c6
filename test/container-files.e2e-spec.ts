import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPOSE_FILE, ROOT, composeCli, imageRuntime, readCompose, readDockerfile } from './support/container';

// No container engine runs on the CI machine: what can be checked without one is checked here (the files) and in
// container-commands.e2e-spec.ts (the image's commands, run directly).

const cli = composeCli();
// .ci/run installs Debian's docker-compose when no compose CLI is present: under CI a missing one fails, elsewhere it skips.
const withCli = cli === null && process.env.CI !== 'true' ? it.skip : it;
if (cli === null && process.env.CI !== 'true') console.warn('container-files: neither `docker compose` nor `docker-compose` is installed: the compose validation tests are skipped');

function composeConfig(file: string): { status: number | null; output: string } {
  if (cli === null) throw new Error("no compose CLI (docker compose or docker-compose): .ci/run installs Debian's docker-compose");
  const [command, ...prefix] = cli;
  const run = spawnSync(command, [...prefix, '-f', file, '--project-directory', ROOT, 'config', '-q'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('docker-compose.yml', () => {
  withCli(`validates with ${cli?.join(' ') ?? 'a compose CLI'} config -q`, () => {
    expect(composeConfig(COMPOSE_FILE)).toEqual({ status: 0, output: '' });
  });

  withCli('the validation refuses a broken copy (so the pass above means something)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    try {
      const broken = join(dir, 'docker-compose.yml');
      const text = readFileSync(COMPOSE_FILE, 'utf8');
      expect(text).toContain('stop_grace_period:');
      writeFileSync(broken, text.replace('stop_grace_period:', 'stop_grace_periods:'));
      const result = composeConfig(broken);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/stop_grace_periods/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds one image once: one service has build, every service of ours uses that image by name', () => {
    const { services } = readCompose();
    const ours = Object.entries(services).filter(([, service]) => service.image === 'images-gateway:local');
    expect(ours.map(([name]) => name).sort()).toEqual(['gateway', 'sim-admin', 'vendor-sim']);
    expect(Object.entries(services).filter(([, service]) => service.build !== undefined).map(([name]) => name)).toEqual(['vendor-sim']);
  });

  it("publishes the simulators' admin port: the host's loopback port forwards to SIM_PORT_BASE (the admin offset is 0)", () => {
    const { services } = readCompose();
    const sim = services['vendor-sim'];
    const forward = services['sim-admin'];
    const base = Number(sim.environment!.SIM_PORT_BASE);
    expect(forward.network_mode).toBe('service:vendor-sim');
    expect(forward.environment).toMatchObject({ TARGET_HOST: '127.0.0.1', TARGET_PORT: String(base) });
    expect(sim.ports).toContain(`127.0.0.1:${base}:${forward.environment!.LISTEN_PORT}`);
  });

  it('the gateway shares the simulators\' namespace and points at their loopback ports', () => {
    const { services } = readCompose();
    const gateway = services.gateway;
    const base = Number(services['vendor-sim'].environment!.SIM_PORT_BASE);
    expect(gateway.network_mode).toBe('service:vendor-sim');
    expect(services['vendor-sim'].ports).toContain(`${gateway.environment!.PORT}:${gateway.environment!.PORT}`);
    const endpoints = ['DIDI', 'HUAWEI', 'UCLOUD', 'CECSTACK'].map((vendor) => gateway.environment![`${vendor}_ENDPOINT`]);
    expect(endpoints).toEqual([1, 2, 3, 4].map((offset) => `http://127.0.0.1:${base + offset}`));
  });
});

describe('Dockerfile', () => {
  const stages = readDockerfile();
  const final = stages[stages.length - 1];
  const runs = (stage: typeof final) => stage.instructions.filter(([instruction]) => instruction === 'RUN').map(([, rest]) => rest);

  it('is multi-stage, on Node 22 pinned to a minor, the same base for both stages', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^node:22\.\d+-bookworm-slim$/);
  });

  it('installs production modules afresh in the final stage and copies only dist from the build', () => {
    expect(runs(final).some((run) => /npm ci\b.*--omit=dev/.test(run))).toBe(true);
    expect(runs(final).some((run) => /npm prune/.test(run))).toBe(false);
    const copies = final.instructions.filter(([instruction]) => instruction === 'COPY').map(([, rest]) => rest);
    expect(copies).toEqual(['package.json package-lock.json ./', '--from=build /app/dist ./dist']);
  });

  it('runs as node, exposes the gateway port, and has an exec-form CMD and HEALTHCHECK without curl', () => {
    const { env, cmd, healthcheck } = imageRuntime(stages);
    const userAt = final.instructions.findIndex(([instruction]) => instruction === 'USER');
    expect(final.instructions[userAt]).toEqual(['USER', 'node']);
    expect(final.instructions.findIndex(([instruction]) => instruction === 'CMD')).toBeGreaterThan(userAt);
    expect(final.instructions).toContainEqual(['EXPOSE', env.PORT]);
    expect(env.NODE_ENV).toBe('production');
    expect(cmd).toEqual(['node', 'dist/apps/gateway/apps/gateway/src/main.js']);
    expect(healthcheck.slice(0, 2)).toEqual(['node', '-e']);
  });

  it('.dockerignore keeps local state out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', 'reports', '.git', 'coverage', '.env']) expect(ignored).toContain(entry);
  });
});
