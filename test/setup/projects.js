'use strict';
/**
 * Which jest project a test file belongs to, decided by what it uses: `server` when the file or a
 * test module it imports (transitively, within test/) reaches the Temporal server or test server,
 * starts workers, drives Chromium or runs `br worker`/`br dev` processes; or when it runs
 * model-written code in the bubblewrap sandbox (SANDBOX below: the unit project's guard,
 * test/setup/unit-guard.ts, fails a unit file that does). Everything else is `unit`.
 * jest.config.js builds both projects from this; test/project/test-projects.test.ts checks it.
 */
const { readFileSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '../..');
const TEST_ROOT = path.join(ROOT, 'test');

/** Modules whose import makes a file a server test, each with the reason. */
const SERVER_IMPORTS = [
  ['the Temporal server helpers', (spec) => spec.endsWith('/helpers/temporal')],
  ['workflow bundles and workers', (spec) => spec === '@temporalio/worker'],
  ['in-process workers', (spec) => spec.endsWith('/worker/run')],
  ['Chromium', (spec) => spec === 'playwright-core'],
  ['a network namespace of its own', (spec) => spec.endsWith('/helpers/netns')],
];

/**
 * Import and re-export statements, dynamic imports and requires: what a file loads when it runs (not
 * type-only imports, not module paths inside string literals).
 */
const IMPORT =
  /^(?:import|export)(?!\s+type\b)\b[^;]*?\bfrom '([^']+)'|(?<!typeof )\bimport\('([^']+)'\)|\brequire\('([^']+)'\)/gm;

function importsOf(file) {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/**
 * Files that run commands in the bubblewrap sandbox: agent commands, verification, commit hooks, the
 * quality gate, `br sandbox run`, and `br doctor`'s probe. Imports cannot show it (the policy comes
 * from the config), so they are named; the unit project's guard fails a file that should be here.
 */
const SANDBOX = [
  'test/activities/claude/agent.test.ts',
  'test/activities/claude/code/claude-code.test.ts',
  'test/activities/claude/engines.test.ts',
  'test/activities/git/activities.test.ts',
  'test/activities/git/child-secrets.test.ts',
  'test/activities/git/outside-sandbox.test.ts',
  'test/activities/git/remote.test.ts',
  'test/activities/git/resolve.test.ts',
  'test/activities/git/resolve-remote.test.ts',
  'test/activities/quality/gate-report.test.ts',
  'test/activities/quality/gate.test.ts',
  'test/activities/sandbox/adversarial-agent.test.ts',
  'test/activities/sandbox/adversarial-cli.test.ts',
  'test/activities/sandbox/credentials.test.ts',
  'test/activities/sandbox/disk-unreadable.test.ts',
  'test/activities/sandbox/limits.test.ts',
  'test/services/git-hooks/hooks.test.ts',
  'test/services/doctor-sandbox.test.ts',
  'test/services/doctor.test.ts',
];

function testFiles(dir = TEST_ROOT) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

function resolveLocal(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

/** The file and every test-local module it imports, transitively (sources outside test/ excluded). */
function closure(file) {
  const seen = new Set();
  const todo = [file];
  while (todo.length) {
    const current = todo.pop();
    if (seen.has(current)) continue;
    seen.add(current);
    for (const spec of importsOf(current)) {
      if (!spec.startsWith('.')) continue;
      const target = resolveLocal(current, spec);
      if (target && target.startsWith(TEST_ROOT + path.sep)) todo.push(target);
    }
  }
  return [...seen];
}

/** Why a file belongs to the server project (empty: it is a unit test). */
function serverReasons(file) {
  const rel = path.relative(ROOT, file);
  const reasons = [];
  if (SANDBOX.includes(rel)) reasons.push('the bubblewrap sandbox');
  for (const module of closure(file)) {
    for (const spec of importsOf(module)) {
      for (const [reason, matches] of SERVER_IMPORTS) {
        if (matches(spec) && !reasons.includes(reason)) reasons.push(reason);
      }
    }
  }
  return reasons;
}

function classify(files = testFiles()) {
  const unit = [];
  const server = [];
  for (const file of files) (serverReasons(file).length ? server : unit).push(file);
  return { unit, server };
}

module.exports = { ROOT, SANDBOX, SERVER_IMPORTS, classify, closure, importsOf, serverReasons, testFiles };
