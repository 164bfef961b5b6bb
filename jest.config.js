const { classify } = require('./test/setup/projects');

const { server } = classify();

/** What both projects share. */
const common = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Jest 29 cannot format inline snapshots with Prettier 3; write them unformatted.
  prettierPath: null,
};

const escape = (file) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Two projects (test/setup/projects.js decides which file goes where): `unit`, no Temporal server, no
 * browser, no sandbox, what `npm test` runs; and `server`, the real Temporal dev server (one per run),
 * the workflow bundle (built once per run), Chromium and bubblewrap. `npm run test:server` runs both.
 * @type {import('jest').Config}
 */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testPathIgnorePatterns: ['/node_modules/', ...server.map((file) => `^${escape(file)}$`)],
      setupFiles: ['<rootDir>/test/setup/env.ts', '<rootDir>/test/setup/unit-guard.ts'],
    },
    {
      ...common,
      displayName: 'server',
      testMatch: server,
      setupFiles: ['<rootDir>/test/setup/env.ts'],
      // One Temporal dev server and one workflow bundle per run (scripts/install-temporal.sh).
      globalSetup: '<rootDir>/test/setup/temporal-setup.ts',
      globalTeardown: '<rootDir>/test/setup/temporal-teardown.ts',
    },
  ],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/setup/server-skips-reporter.js'],
  // Each file gets its own database or schema, so files can run in parallel on the 2 cores here.
  maxWorkers: 2,
  // Server files first when jest has no timings (a clean clone): long waits start early, not last.
  testSequencer: '<rootDir>/test/setup/sequencer.js',
};
