#!/usr/bin/env node
'use strict';
// Runs the compiled CLI (dist/, built by `npm install`/`npm ci` through the prepare script). In a
// checkout that has not been built, or with BR_FROM_SOURCE=1, it runs the TypeScript sources via tsx.
const path = require('node:path');
const fs = require('node:fs');

// Node 22.1+ keeps the compiled code of the modules it loads, most of a one-shot read's start-up (issue
// 31); Node 20 has no such API (checked at run time, nothing happens there).
const { enableCompileCache } = require('node:module');
if (typeof enableCompileCache === 'function') {
  try {
    enableCompileCache();
  } catch {
    // no cache folder: start as before
  }
}

const compiled = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (fs.existsSync(compiled) && !process.env.BR_FROM_SOURCE) {
  require(compiled).main(process.argv.slice(2));
} else {
  const { spawnSync } = require('node:child_process');
  const entry = path.join(__dirname, '..', 'cli', 'bin.ts');
  // Resolve tsx from this package, not from the caller's folder (git hooks run br from any repository).
  const tsx = require('node:url').pathToFileURL(require.resolve('tsx')).href;
  const result = spawnSync(process.execPath, ['--import', tsx, entry, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exitCode = result.status ?? 1;
}
