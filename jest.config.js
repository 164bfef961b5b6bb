/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/setup/env.ts'],
  testTimeout: 30000,
  // Each file gets its own database or schema, so files can run in parallel on the 2 cores here.
  maxWorkers: 2,
};
