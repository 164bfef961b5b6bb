import path from 'node:path';

/**
 * Flags that move a command to another folder (npm --prefix, make -C, yarn --cwd, pnpm --dir, …). An
 * allowed command is allowed in the worktree; with one of these it would be a different command.
 */
const DIRECTORY_FLAGS = new Set([
  '--prefix',
  '-C',
  '--cwd',
  '--dir',
  '--cd',
  '--chdir',
  '--directory',
  '--root',
  '--cache',
  '--userconfig',
  '--globalconfig',
  '--global',
  '-g',
  '--location',
  '--git-dir',
  '--work-tree',
]);

function flagName(word: string): string | null {
  if (word.startsWith('--')) return word.split('=')[0]!;
  // Short flags with an attached value: -C../other, -Cdir.
  if (/^-[A-Za-z]/.test(word)) return word.slice(0, 2);
  return null;
}

function leavesRoot(root: string, value: string): boolean {
  if (value.startsWith('~')) return true;
  if (!value.startsWith('/') && !value.split(/[\\/]/).includes('..')) return false;
  const rel = path.relative(root, path.resolve(root, value));
  return rel.startsWith('..') || path.isAbsolute(rel);
}

/**
 * Why the arguments of an allowed command point outside the worktree `root`, or null when they do not:
 * no directory-changing flag, and no argument (or `--flag=value` value) that is a path leaving it.
 */
export function argumentProblem(words: readonly string[], root: string): string | null {
  for (const word of words) {
    const flag = flagName(word);
    if (flag && DIRECTORY_FLAGS.has(flag))
      return `"${word}" would run the command somewhere else than the worktree; run it without ${flag}.`;
    const value = word.startsWith('-') && word.includes('=') ? word.slice(word.indexOf('=') + 1) : word;
    if (leavesRoot(root, value))
      return `"${word}" points outside the worktree; use paths relative to the repository root, inside it.`;
  }
  return null;
}
