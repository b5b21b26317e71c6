// The tests StrykerJS runs against each mutant: the unit specs of libs/ (Redis-backed ones included), not the apps'
// or the e2e suites (too slow per mutant). One project, so Stryker's jest runner sees plain options.
const { projects, testTimeout } = require('./jest.config');

const unit = projects.find((project) => project.displayName === 'unit');

module.exports = { ...unit, displayName: undefined, testTimeout, rootDir: __dirname, testMatch: ['<rootDir>/libs/**/*.spec.ts'] };
