import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { TempRepo } from '../git/repo';

/** This checkout's br, run from the TypeScript sources (dist/ may be stale while we work). */
export const BR_BIN = path.resolve(__dirname, '../../bin/br.js');

/** A GitHub-token-shaped string made at run time, so no key-like literal sits in this repository. */
export function fakeGithubToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const body = [...randomBytes(36)].map((b) => alphabet[b % alphabet.length]).join('');
  return ['gh', 'p_', body].join('');
}

export function hookEnv(repo: TempRepo, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...repo.env, BR_FROM_SOURCE: '1', ...extra };
}

/** Runs git in the repo with hooks enabled and returns its exit code and combined output. */
export function gitWithHooks(repo: TempRepo, args: string[], extra: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('git', args, { cwd: repo.dir, env: hookEnv(repo, extra), encoding: 'utf8' });
  return { code: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

export function featuresJson(features: { id: string; required?: boolean; status?: string }[]): string {
  return `${JSON.stringify(
    {
      version: 1,
      features: features.map((f) => ({
        id: f.id,
        title: `Feature ${f.id}`,
        description: '',
        status: f.status ?? 'planned',
        required: f.required ?? false,
        tasks: [],
        updatedAt: '2024-05-01T00:00:00.000Z',
      })),
    },
    null,
    2,
  )}\n`;
}

export function gitIn(repo: TempRepo, cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: repo.env, encoding: 'utf8' }).trim();
}
