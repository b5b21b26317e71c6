import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { freePort } from './processes';

/** The image's and the compose file's start commands, read from the committed files, run here without an engine. */

export const ROOT = join(__dirname, '..', '..');
export const DOCKERFILE = join(ROOT, 'Dockerfile');
export const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

export interface DockerfileStage {
  from: string;
  /** Each instruction with its continuation lines joined, e.g. ['RUN', 'npm ci']. */
  instructions: [string, string][];
}

/** The Dockerfile's stages in order (comments and line continuations handled; ARG defaults substituted in FROM). */
export function readDockerfile(text = readFileSync(DOCKERFILE, 'utf8')): DockerfileStage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: DockerfileStage[] = [];
  for (const line of lines) {
    const [, keyword, rest] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    const instruction = (keyword ?? line).toUpperCase();
    if (instruction === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=');
      args[name] = value;
    } else if (instruction === 'FROM') {
      const image = rest.split(/\s+/)[0].replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args[a ?? b] ?? '');
      stages.push({ from: image, instructions: [] });
    } else {
      stages[stages.length - 1]?.instructions.push([instruction, rest]);
    }
  }
  return stages;
}

/** An exec-form (JSON array) command, e.g. CMD ["node", "main.js"]; shell form is refused: no shell in the image's commands. */
export function execForm(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || parsed.some((part) => typeof part !== 'string')) throw new Error(`not an exec-form command: ${text}`);
  return parsed;
}

/** The final stage's ENV, CMD and HEALTHCHECK command. */
export function imageRuntime(stages = readDockerfile()): { env: Record<string, string>; cmd: string[]; healthcheck: string[] } {
  const final = stages[stages.length - 1];
  const env: Record<string, string> = {};
  let cmd: string[] = [];
  let healthcheck: string[] = [];
  for (const [instruction, rest] of final.instructions) {
    if (instruction === 'ENV') for (const pair of rest.split(/\s+/)) env[pair.split('=')[0]] = pair.slice(pair.indexOf('=') + 1);
    if (instruction === 'CMD') cmd = execForm(rest);
    if (instruction === 'HEALTHCHECK') healthcheck = execForm(rest.slice(rest.indexOf('CMD') + 3).trim());
  }
  return { env, cmd, healthcheck };
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  network_mode?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

export function readCompose(text = readFileSync(COMPOSE_FILE, 'utf8')): { services: Record<string, ComposeService> } {
  return parse(text);
}

/** A compose healthcheck test: ["CMD", ...argv] is exec form. */
export function healthcheckArgv(service: ComposeService): string[] {
  const test = service.healthcheck?.test ?? [];
  if (test[0] !== 'CMD') throw new Error(`not an exec-form healthcheck: ${JSON.stringify(test)}`);
  return test.slice(1);
}

/** `docker compose` (v2 plugin) or `docker-compose` (v1), whichever answers; null when neither is installed. */
export function composeCli(): string[] | null {
  for (const argv of [['docker', 'compose'], ['docker-compose']]) {
    const probe = spawnSync(argv[0], [...argv.slice(1), 'version'], { encoding: 'utf8', timeout: 20_000 });
    if (probe.status === 0) return argv;
  }
  return null;
}

/** `n` consecutive free loopback ports (the simulators take SIM_PORT_BASE .. +4). */
export async function freePortRange(n: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = await freePort();
    if (base + n > 65535) continue;
    const free = await Promise.all(Array.from({ length: n }, (_, i) => portIsFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${n} consecutive free ports`);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface Translation {
  /** The compose file's SIM_PORT_BASE and the one used here. */
  composeSimBase: number;
  simBase: number;
  gatewayPort: number;
  forwardPort: number;
  redisUrl: string;
  keyPrefix: string;
}

/**
 * A service's environment as it can run on this machine: its ports moved to free ones, Redis to the test database
 * under the test's prefix, listeners on loopback only. Everything else is the compose file's, unchanged.
 */
export function localEnvironment(env: Record<string, string>, t: Translation): Record<string, string> {
  const shift = (port: number) => (port >= t.composeSimBase && port <= t.composeSimBase + 4 ? port - t.composeSimBase + t.simBase : port);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key === 'PORT') out[key] = String(t.gatewayPort);
    else if (key === 'SIM_PORT_BASE') out[key] = String(t.simBase);
    else if (key === 'LISTEN_PORT') out[key] = String(t.forwardPort);
    else if (key === 'LISTEN_HOST') out[key] = '127.0.0.1';
    else if (key === 'REDIS_URL') Object.assign(out, { REDIS_URL: t.redisUrl, CACHE_KEY_PREFIX: t.keyPrefix });
    // A drain delay meant for a load balancer's probe period only slows the test's shutdown.
    else if (key === 'SHUTDOWN_DELAY_MS') out[key] = '100';
    else if (key.endsWith('_PORT') && /^\d+$/.test(value)) out[key] = String(shift(Number(value)));
    else if (/^http:\/\/127\.0\.0\.1:\d+$/.test(value)) out[key] = `http://127.0.0.1:${shift(Number(new URL(value).port))}`;
    else out[key] = value;
  }
  return out;
}

/** `node` is this test's own Node (the version under test), as spawnGateway does. */
function resolveArgv(argv: string[]): [string, string[]] {
  return [argv[0] === 'node' ? process.execPath : argv[0], argv.slice(1)];
}

export interface RunningCommand {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a command from the repository root, where `dist` is (the image's WORKDIR holds the same `dist`). */
export function runCommand(argv: string[], env: Record<string, string>): RunningCommand {
  const [file, args] = resolveArgv(argv);
  const child = spawn(file, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs a command to its end (a healthcheck): its exit status. */
export function runToEnd(argv: string[], env: Record<string, string>, timeoutMs = 10_000): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const running = runCommand(argv, env);
    const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
    void running.exited.then((status) => {
      clearTimeout(timer);
      resolve({ status, output: running.output.join('') });
    });
  });
}

/** Polls `url` until it answers `status`, or the command exits, or 15 s pass. */
export async function waitForAnswer(url: string, running: RunningCommand, status = 200): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (running.child.exitCode !== null) throw new Error(`exited at start (${running.child.exitCode}): ${running.output.join('')}`);
    const answered = await fetch(url).then((r) => r.status === status, () => false);
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status}: ${running.output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
