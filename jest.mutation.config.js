// The tests StrykerJS runs against each mutant: the unit specs of libs/ (Redis-backed ones included), not the apps'
// or the e2e suites (too slow per mutant). One project, so Stryker's jest runner sees plain options.
// MUTATION_SPECS (set by scripts/mutation.js for a one-folder run): only the specs under those folders, so a static
// mutant (code run while a module loads) costs that folder's suite, not every lib's. For a folder other libs import
// (core, http) that is a lower bound of its score.
const { projects, testTimeout } = require('./jest.config');

const unit = projects.find((project) => project.displayName === 'unit');
const roots = (process.env.MUTATION_SPECS || 'libs').split(',').filter(Boolean);

module.exports = { ...unit, displayName: undefined, testTimeout, rootDir: __dirname, testMatch: roots.map((root) => `<rootDir>/${root}/**/*.spec.ts`) };
