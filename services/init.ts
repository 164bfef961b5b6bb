import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE } from '../lib/config';
import { loadConfig } from './config-file';
import { UserError } from '../lib/errors';
import { gitSync } from '../activities/git/safe';
import { FEATURES_FILE, FEATURES_VERSION, serializeFeatures } from '../lib/features/schema';
import { readFeatures } from '../activities/features/store';
import { SPEC_FILE, starterSpec } from '../lib/spec/render';

/**
 * `br init [NAME]`: sets a repository up for BuildRunner; with a name, first creates the folder and its
 * git repository and adds a starter spec. Safe to run again: it only adds what is missing, and
 * replaces BuildRunner's own files only with `force`.
 */

export interface InitResult {
  root: string;
  created: string[];
  updated: string[];
  unchanged: string[];
}

/** What BuildRunner keeps locally and must never be committed. */
export const GITIGNORE_ENTRIES = [
  '.buildrunner/db/',
  '.buildrunner/db.lock',
  '.buildrunner/db-server.json',
  '.buildrunner/temporal.db',
  '.buildrunner/worktrees/',
  '.buildrunner/archive/',
  '.buildrunner/client-keys.json',
  '.env',
];

function gitRoot(cwd: string): string {
  try {
    return gitSync(cwd, ['rev-parse', '--show-toplevel']).stdout.trim();
  } catch {
    throw new UserError(
      `${cwd} is not inside a git repository. BuildRunner builds on git: run \`git init\` first.`,
    );
  }
}

function ensureGitignore(root: string): 'created' | 'updated' | 'unchanged' {
  const file = path.join(root, '.gitignore');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : null;
  const lines = new Set((existing ?? '').split(/\r?\n/).map((l) => l.trim()));
  const missing = GITIGNORE_ENTRIES.filter((e) => !lines.has(e));
  if (missing.length === 0) return 'unchanged';
  const prefix =
    existing === null ? '' : existing.endsWith('\n') || existing === '' ? existing : `${existing}\n`;
  writeFileSync(file, `${prefix}${existing ? '\n' : ''}# BuildRunner (local state)\n${missing.join('\n')}\n`);
  return existing === null ? 'created' : 'updated';
}

function writeOwnFile(
  root: string,
  name: string,
  content: string,
  force: boolean,
  validate?: () => void,
): 'created' | 'updated' | 'unchanged' {
  const file = path.join(root, name);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    return 'created';
  }
  if (!force || readFileSync(file, 'utf8') === content) {
    if (!force) validate?.(); // an invalid existing file fails here, untouched
    return 'unchanged';
  }
  writeFileSync(file, content);
  return 'updated';
}

/** Creates the folder NAME under cwd with a git repository on `main`, unless they exist already. */
function newProjectFolder(
  cwd: string,
  name: string,
  record: (n: string, o: 'created' | 'unchanged') => void,
): string {
  const dir = path.resolve(cwd, name);
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new UserError(`${name} exists and is not a folder. Choose another project name.`);
  record(`${name}/`, existsSync(dir) ? 'unchanged' : 'created');
  mkdirSync(dir, { recursive: true });
  if (existsSync(path.join(dir, '.git'))) record('.git', 'unchanged');
  else {
    gitSync(dir, ['init', '-q', '-b', 'main']);
    record('.git', 'created');
  }
  return dir;
}

export function initProject(options: {
  cwd: string;
  project?: string;
  name?: string;
  force?: boolean;
}): InitResult {
  const pending: [string, 'created' | 'updated' | 'unchanged'][] = [];
  const dir = options.name
    ? newProjectFolder(options.cwd, options.name, (n, o) => pending.push([n, o]))
    : options.cwd;
  const root = gitRoot(dir);
  const result: InitResult = { root, created: [], updated: [], unchanged: [] };
  const record = (name: string, outcome: 'created' | 'updated' | 'unchanged') => result[outcome].push(name);
  for (const [n, o] of pending) record(n, o);
  const force = options.force ?? false;
  const project = options.project ?? path.basename(root);

  record(
    CONFIG_FILE,
    writeOwnFile(
      root,
      CONFIG_FILE,
      `${JSON.stringify({ project, parallel: 4, budget: { defaultUsd: 20 } }, null, 2)}\n`,
      force,
      () => loadConfig({ cwd: root, file: path.join(root, CONFIG_FILE), env: {} }),
    ),
  );
  record(
    FEATURES_FILE,
    writeOwnFile(
      root,
      FEATURES_FILE,
      serializeFeatures({ version: FEATURES_VERSION, project, features: [] }),
      force,
      () => readFeatures(root),
    ),
  );
  if (options.name) record(SPEC_FILE, writeOwnFile(root, SPEC_FILE, starterSpec(project), force));
  record('.gitignore', ensureGitignore(root));
  return result;
}
