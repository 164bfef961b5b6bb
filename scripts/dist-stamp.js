'use strict';
/**
 * Which sources dist/ was built from: `npm run build` ends with `node scripts/dist-stamp.js`, which
 * writes dist/sources.sha256, a hash of every file the build compiles (the folders tsconfig.build.json
 * includes, and the tsconfig files). Tests that run `br` as a process (test/fixtures/br-process.ts) run
 * the built CLI, as users do, when the stamp matches the sources now, and the TypeScript sources
 * through tsx (several times the start-up CPU) when it does not: an edited checkout is never tested
 * through a stale build. File times cannot tell it: a checkout or rebase after a build leaves newer
 * times on unchanged files.
 */
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const STAMP = path.join(ROOT, 'dist', 'sources.sha256');

function compiledFolders() {
  return JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')).include;
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return filesUnder(full);
      return entry.isFile() ? [full] : [];
    });
}

/** The hash of the build's inputs in this checkout, as the stamp holds it. */
function sourcesHash() {
  const hash = createHash('sha256');
  const files = ['tsconfig.json', 'tsconfig.build.json'].map((f) => path.join(ROOT, f));
  for (const folder of compiledFolders()) files.push(...filesUnder(path.join(ROOT, folder)));
  for (const file of files) {
    hash.update(`${path.relative(ROOT, file)}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Whether dist/ was built from the sources as they are now. */
function distIsCurrent() {
  try {
    return readFileSync(STAMP, 'utf8').trim() === sourcesHash();
  } catch {
    return false;
  }
}

if (require.main === module) writeFileSync(STAMP, `${sourcesHash()}\n`);

module.exports = { sourcesHash, distIsCurrent, STAMP };
