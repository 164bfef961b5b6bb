import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** BuildRunner's own install folder (this file is activities/sandbox/self.ts, or its compiled copy in dist/). */
function installRoot(): string {
  let dir = path.resolve(__dirname, '..', '..');
  if (path.basename(dir) === 'dist') dir = path.dirname(dir);
  return dir;
}

const PARTS = [
  'bin',
  'dist',
  'cli',
  'services',
  'lib',
  'activities',
  'workflows',
  'worker',
  'prisma',
  'node_modules',
  'package.json',
  'tsconfig.json',
];

/**
 * Read-only mounts that let `br hooks run` (the hook `br hooks install` writes) work inside the sandbox:
 * BuildRunner's code and dependencies, never the rest of its folder (a source checkout may hold a .env).
 * Each is [source, target]: node_modules may be a symlink, bound from where it points.
 */
export function buildRunnerMounts(): [string, string][] {
  const root = installRoot();
  return PARTS.map((p) => path.join(root, p))
    .filter((p) => existsSync(p))
    .map((p) => [realpathSync(p), p]);
}

/** BuildRunner's own CLI entry (bin/br.js), to run `br` commands inside the sandbox. */
export function brBin(): string {
  return path.join(installRoot(), 'bin', 'br.js');
}

/** Variables of the worker that BuildRunner's own hook reads (how to start br), passed into hook runs. */
export const BUILDRUNNER_HOOK_ENV = ['BR_FROM_SOURCE'];
