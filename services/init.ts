import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, loadConfig } from '../lib/config';
import { UserError } from '../lib/errors';
import { featuresPath, writeFeatures } from '../lib/features/store';

/** `br init`: sets a repository up for BuildRunner. Safe to run again: it only adds what is missing. */

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
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
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

export function initProject(options: { cwd: string; project?: string }): InitResult {
  const root = gitRoot(options.cwd);
  const result: InitResult = { root, created: [], updated: [], unchanged: [] };
  const record = (name: string, outcome: 'created' | 'updated' | 'unchanged') => result[outcome].push(name);

  const configFile = path.join(root, CONFIG_FILE);
  const project = options.project ?? path.basename(root);
  if (existsSync(configFile)) {
    loadConfig({ cwd: root, file: configFile, env: {} }); // an invalid existing config fails here, untouched
    record(CONFIG_FILE, 'unchanged');
  } else {
    writeFileSync(
      configFile,
      `${JSON.stringify({ project, parallel: 4, budget: { defaultUsd: 20 } }, null, 2)}\n`,
    );
    record(CONFIG_FILE, 'created');
  }

  const features = featuresPath(root);
  if (existsSync(features)) record('.buildrunner/features.json', 'unchanged');
  else {
    writeFeatures(root, { version: 1, project, features: [] });
    record('.buildrunner/features.json', 'created');
  }

  record('.gitignore', ensureGitignore(root));
  return result;
}
