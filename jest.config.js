// @swc/jest, not ts-jest: NestJS 12 packages are ESM-only, and swc turns them (and our TS) into CommonJS for jest on Node 20.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // ESM-only dependencies are transformed too; the rest of node_modules is loaded as is.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|kubernetes-models|@kubernetes-models|is-cidr|cidr-regex|@fastify|fastify-plugin|uid|file-type|strtok3|token-types|peek-readable|@tokenizer|load-esm|content-disposition|cookie|jose)/)'],
  moduleNameMapper: {
    '^@images/core$': '<rootDir>/libs/core/src',
    '^@images/http$': '<rootDir>/libs/http/src',
    '^@images/catalog$': '<rootDir>/libs/catalog/src',
    '^@images/query$': '<rootDir>/libs/query/src',
    '^@images/client$': '<rootDir>/libs/client/src',
    '^@images/providers/(.*)$': '<rootDir>/libs/providers/$1/src',
    '^@images/testing$': '<rootDir>/test/support',
    // kubernetes-models exports for `import` only; jest resolves as `require`, so its files are named directly.
    '^kubernetes-models/(.*?)(\\.js)?$': '<rootDir>/node_modules/kubernetes-models/$1.js',
    '^@kubernetes-models/apimachinery/(.*?)(\\.js)?$': '<rootDir>/node_modules/@kubernetes-models/apimachinery/$1.js',
    '^@kubernetes-models/(base|validate)$': '<rootDir>/node_modules/@kubernetes-models/$1/dist/index.js',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

module.exports = {
  // Global, not per project: jest ignores testTimeout inside `projects`.
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], setupFilesAfterEnv: ['<rootDir>/test/support/wire-setup.ts'] },
  ],
};
