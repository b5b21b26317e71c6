import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The committed types are openapi-typescript's output for the committed docs/openapi.json (the script compares
// without writing). test/client-openapi.e2e-spec.ts checks the document against the gateway.

const ROOT = join(__dirname, '..', '..', '..');

describe('libs/client/src/schema.d.ts', () => {
  it('is what `npm run openapi:client` generates from docs/openapi.json', async () => {
    const outcome = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/openapi.js'), 'client', '--check'], { cwd: ROOT }).then(
      ({ stdout }) => stdout.trim(),
      (error: { stderr?: string }) => String(error.stderr ?? error).trim(),
    );
    expect(outcome).toBe('libs/client/src/schema.d.ts: up to date');
  });
});
