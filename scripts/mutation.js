#!/usr/bin/env node
// npm run test:mutation [-- --mutate 'libs/catalog/src/**/*.ts'] runs StrykerJS with the committed configuration.
// A --mutate given on the command line replaces the configuration's list, so the configuration's exclusions
// (specs, spec support, fixtures) are appended to it here: a folder run never mutates its own tests. A folder run
// tests with that folder's specs only (MUTATION_SPECS, read by jest.mutation.config.js) unless --all-specs is given.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const config = require('../stryker.config.json');

// --all-specs: run every lib's specs against a one-folder run too (slower; the score of a shared lib may be higher).
const allSpecs = process.argv.includes('--all-specs');
const exclusions = config.mutate.filter((glob) => glob.startsWith('!'));
const folders = new Set();
const args = process.argv.slice(2).filter((arg) => arg !== '--all-specs').map((arg, index, all) => {
  const previous = all[index - 1];
  if (previous !== '--mutate' && previous !== '-m') return arg;
  // The folder each glob mutates (up to its first wildcard): libs/catalog/src/**/*.ts is libs/catalog.
  for (const glob of arg.split(',')) folders.add(glob.split(/[*{]/)[0].replace(/\/src\/.*$|\/src\/?$|\/$/, ''));
  return [arg, ...exclusions].join(',');
});
const env = { ...process.env };
if (folders.size > 0 && !allSpecs) env.MUTATION_SPECS = [...folders].join(',');
const stryker = path.join(__dirname, '..', 'node_modules', '.bin', 'stryker');
const run = spawnSync(stryker, ['run', path.join(__dirname, '..', 'stryker.config.json'), ...args], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
