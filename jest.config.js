/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/setup/env.ts'],
  // One Temporal dev server per run when a `temporal` binary is found (scripts/install-temporal.sh).
  globalSetup: '<rootDir>/test/setup/temporal-setup.ts',
  globalTeardown: '<rootDir>/test/setup/temporal-teardown.ts',
  reporters: ['default', '<rootDir>/test/setup/server-skips-reporter.js'],
  testTimeout: 30000,
  // Jest 29 cannot format inline snapshots with Prettier 3; write them unformatted.
  prettierPath: null,
  // Each file gets its own database or schema, so files can run in parallel on the 2 cores here.
  maxWorkers: 2,
};
