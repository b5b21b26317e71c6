import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { RunningSim } from '../apps/vendor-sim/src';
import { CECSTACK_ACCOUNT_ENV, Gateway, getJson, startGateway, startSim } from './support/stack';

const REDOCLY_CLI = require.resolve('@redocly/cli/bin/cli.js');
const ROOT = resolve(__dirname, '..');

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
}

// Redocly's recommended rules (less what redocly.yaml turns off, with why) over the document /docs-json serves.
describe('the served OpenAPI document under redocly lint', () => {
  let sim: RunningSim;
  let gateway: Gateway;
  let dir: string;

  beforeAll(async () => {
    sim = await startSim();
    gateway = await startGateway(sim, { redis: false, env: CECSTACK_ACCOUNT_ENV });
    dir = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
  });

  afterAll(async () => {
    await gateway?.close();
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has no errors and no warnings', async () => {
    const served = await getJson(`${gateway.url}/docs-json`);
    expect(served.status).toBe(200);
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(served.body, null, 2));
    const report = await lint(file);
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(', ')}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);
});

async function lint(file: string): Promise<LintReport> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const args = [REDOCLY_CLI, 'lint', file, '--format=json', `--config=${join(ROOT, 'redocly.yaml')}`];
  // Exit code 1 on errors: the JSON report on stdout is what the test reads either way.
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 }).catch((error: { stdout?: string; stderr?: string }) => {
    if (!error.stdout) throw new Error(`redocly lint did not run: ${error.stderr}`);
    return { stdout: error.stdout };
  });
  return JSON.parse(stdout) as LintReport;
}
