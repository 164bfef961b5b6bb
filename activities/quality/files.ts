import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { git } from '../git/run';

/** Changed lines per repository-relative file: null means every line (a new, untracked file). */
export type ChangedLines = Map<string, Set<number> | null>;

/** Tracked and untracked (not ignored) files matching the pattern, sorted: the order never depends on the disk. */
export async function sourceFiles(
  repo: string,
  pattern: string,
  options: { untracked?: boolean } = {},
): Promise<string[]> {
  const others = options.untracked === false ? [] : ['--others', '--exclude-standard'];
  const out = await git(repo, ['ls-files', '-z', '--cached', ...others]);
  const re = new RegExp(pattern);
  return [...new Set(out.split('\0'))]
    .filter((f) => f && re.test(f) && existsSync(path.join(repo, f)))
    .sort();
}

/**
 * Lines added or changed since `ref` (committed, staged or not), from `git diff -U0`, and every line of
 * untracked files unless `untracked` is false (a task's gate: build output left by the verify command
 * is not part of the change that merges).
 */
export async function changedSince(
  repo: string,
  ref: string,
  options: { untracked?: boolean } = {},
): Promise<ChangedLines> {
  const diff = await git(repo, ['diff', '-U0', '--no-color', '--no-ext-diff', ref, '--']);
  const changed: ChangedLines = new Map();
  let file: string | null = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      file = line === '+++ /dev/null' ? null : line.slice(6);
      if (file && !changed.has(file)) changed.set(file, new Set());
      continue;
    }
    const hunk = /^@@ -\S+ \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && file) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let i = 0; i < count; i++) changed.get(file)!.add(start + i);
    }
  }
  if (options.untracked === false) return changed;
  const untracked = await git(repo, ['ls-files', '-z', '--others', '--exclude-standard']);
  for (const f of untracked.split('\0').filter(Boolean)) changed.set(f, null);
  return changed;
}

export function isChanged(changed: ChangedLines | null, file: string, line?: number): boolean {
  if (!changed) return true;
  if (!changed.has(file)) return false;
  const lines = changed.get(file);
  return lines === null || line === undefined || lines!.has(line);
}

export function readText(repo: string, file: string): string {
  return readFileSync(path.join(repo, file), 'utf8');
}
