import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CECSTACK_ACCOUNT_ENV, getJson, startGateway } from './support/stack';
import { useSimAndGateway } from './support/suite-setup';

// libs/client's types come from the committed docs/openapi.json: it must be what the gateway serves, for the
// deployment scripts/openapi.js generates it from (the demo's: the four simulated vendors, the CECSTACK account).

const DOCUMENT = join(__dirname, '..', 'docs', 'openapi.json');
const FIX = 'run `npm run openapi:json` and commit docs/openapi.json and libs/client/src/schema.d.ts';

/** The JSON pointer of the first place where `committed` and `served` differ, with both values there. */
function firstDifference(committed: unknown, served: unknown, at = ''): string | undefined {
  if (typeof committed === 'object' && committed !== null && typeof served === 'object' && served !== null && Array.isArray(committed) === Array.isArray(served)) {
    const keys = new Set([...Object.keys(committed), ...Object.keys(served)]);
    for (const key of keys) {
      const difference = firstDifference((committed as Record<string, unknown>)[key], (served as Record<string, unknown>)[key], `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      if (difference) return difference;
    }
    return undefined;
  }
  if (committed === served) return undefined;
  const show = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value).slice(0, 200));
  return `${at || '/'}: committed ${show(committed)}, served ${show(served)}`;
}

describe('docs/openapi.json', () => {
  const suite = useSimAndGateway({}, (sim) => startGateway(sim, { env: { ...CECSTACK_ACCOUNT_ENV } }));

  it('is the document the gateway serves at /docs-json (same deployment)', async () => {
    const served = await getJson(`${suite.gateway.url}/docs-json`);
    expect(served.status).toBe(200);
    const difference = firstDifference(JSON.parse(readFileSync(DOCUMENT, 'utf8')), served.body);
    expect(difference === undefined ? 'up to date' : `docs/openapi.json is out of date at ${difference}; ${FIX}`).toBe('up to date');
  });
});
