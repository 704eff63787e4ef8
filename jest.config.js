/**
 * Projects: `unit` (no infrastructure), `integration` (real Kafka and store), `faults` (kill,
 * restart and stall parts of the real system under traffic), `e2e` (the agent console in headless
 * Chromium against the real system) and `openapi` (the served OpenAPI
 * document, compiled like `nest build`).
 */
const moduleNameMapper = {
  '^@switchboard/(.*)$': '<rootDir>/libs/$1/src',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
/**
 * For the OpenAPI suite: type-checked compilation with the @nestjs/swagger plugin `nest build`
 * runs, so the document it checks is the one users get (slower, so only there).
 */
const transformWithSwaggerPlugin = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      tsconfig: { ...require('./tsconfig.json').compilerOptions, isolatedModules: false },
      astTransformers: { before: ['<rootDir>/test/setup/swagger-transformer.js'] },
    },
  ],
};

module.exports = {
  testTimeout: 120000,
  // Console output is buffered per suite (not verbose) so the reporter can keep it out of the
  // results: it goes to artifacts/suites/ and is printed for a failing suite only.
  verbose: false,
  reporters: ['<rootDir>/test/setup/suite-output-reporter.js', 'summary'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/scripts'],
      testMatch: ['**/*.spec.ts'],
      transform,
      moduleNameMapper,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.int-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', 'openapi\\.int-spec\\.ts$'],
      transform,
      moduleNameMapper,
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/suite-output.ts'],
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    {
      displayName: 'faults',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testMatch: ['**/faults/*.fault-spec.ts'],
      transform,
      moduleNameMapper,
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/suite-output.ts'],
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    {
      // The agent console in Debian's headless Chromium against the real stack.
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testMatch: ['**/e2e/*.e2e-spec.ts'],
      transform,
      moduleNameMapper,
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/suite-output.ts'],
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    {
      displayName: 'openapi',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testMatch: ['**/openapi.int-spec.ts'],
      transform: transformWithSwaggerPlugin,
      moduleNameMapper,
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/suite-output.ts'],
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
