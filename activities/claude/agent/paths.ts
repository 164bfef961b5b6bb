import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * Confines every path the model names to the worktree. Absolute paths, `..` escapes, `.git`
 * (hooks there would bypass the repository's checks) and symlinks resolving outside are refused.
 * The error message goes back to the model as a tool error.
 */
export class ToolError extends Error {}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * `.git` as a case-insensitive file system (macOS, Windows) or git's own path checks would see it:
 * `.GIT`, `.git.` or `.g\u200cit` open the same folder there, so they are refused everywhere.
 */
function isGitDir(segment: string | undefined): boolean {
  if (segment === undefined) return false;
  return (
    segment
      .replace(/[\u200b-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g, '')
      .replace(/[. ]+$/, '')
      .toLowerCase() === '.git'
  );
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves `requested` (relative to the worktree) to a real path inside it. For a path that does not
 * exist yet (a new file), its nearest existing ancestor must resolve inside the worktree.
 */
export async function resolveInside(rootReal: string, requested: unknown): Promise<string> {
  if (typeof requested !== 'string' || requested.trim() === '')
    throw new ToolError('A non-empty relative "path" is required.');
  if (requested.includes('\0')) throw new ToolError('The path contains a NUL byte.');
  if (path.isAbsolute(requested) || /^[A-Za-z]:[\\/]/.test(requested))
    throw new ToolError(
      `Refused "${requested}": absolute paths are not allowed; use a path relative to the repository root.`,
    );
  const lexical = path.resolve(rootReal, requested);
  if (!isInside(rootReal, lexical))
    throw new ToolError(`Refused "${requested}": it points outside the repository.`);
  const first = path.relative(rootReal, lexical).split(path.sep)[0];
  if (isGitDir(first)) throw new ToolError(`Refused "${requested}": the .git folder is off limits.`);

  let existing = lexical;
  while (!(await exists(existing))) existing = path.dirname(existing);
  let real: string;
  try {
    real = await realpath(existing);
  } catch {
    throw new ToolError(`Refused "${requested}": it is a symbolic link to a missing target.`);
  }
  if (!isInside(rootReal, real))
    throw new ToolError(
      `Refused "${requested}": it resolves through a symbolic link to a place outside the repository.`,
    );
  const realFirst = path.relative(rootReal, real).split(path.sep)[0];
  if (isGitDir(realFirst)) throw new ToolError(`Refused "${requested}": the .git folder is off limits.`);
  return existing === lexical ? real : path.join(real, path.relative(existing, lexical));
}

/** The path as the model should see it: relative to the worktree, with forward slashes. */
export function displayPath(rootReal: string, absolute: string): string {
  return path.relative(rootReal, absolute).split(path.sep).join('/') || '.';
}
