#!/usr/bin/env node
// npm run test:mutation [-- --mutate 'libs/catalog/src/**/*.ts'] runs StrykerJS with the committed configuration.
// A --mutate given on the command line replaces the configuration's list, so the configuration's exclusions
// (specs, spec support, fixtures) are appended to it here: a folder run never mutates its own tests.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const config = require('../stryker.config.json');

const exclusions = config.mutate.filter((glob) => glob.startsWith('!'));
const args = process.argv.slice(2).map((arg, index, all) => {
  const previous = all[index - 1];
  return previous === '--mutate' || previous === '-m' ? [arg, ...exclusions].join(',') : arg;
});
const stryker = path.join(__dirname, '..', 'node_modules', '.bin', 'stryker');
const run = spawnSync(stryker, ['run', path.join(__dirname, '..', 'stryker.config.json'), ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
