#!/usr/bin/env node
// Runs the Prisma CLI without downloading native engines. Prisma 6.19 with `engine: "js"` uses its
// bundled Wasm schema engine, but still checks that engine files exist; pointing these variables at
// a placeholder satisfies that check on a machine with no internet.
'use strict';
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const placeholder = path.join(__dirname, 'engine-placeholder');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || placeholder,
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY || placeholder,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const prismaBin = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [prismaBin, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
  cwd: path.join(__dirname, '..'),
});
process.exit(result.status ?? 1);
