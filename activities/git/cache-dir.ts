import { homedir } from 'node:os';
import path from 'node:path';

/**
 * The one rule for a worker's cache folder (cache clones and task worktrees of remote builds):
 * $BR_CACHE_DIR, else $XDG_CACHE_HOME/buildrunner, else ~/.cache/buildrunner.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BR_CACHE_DIR) return path.resolve(env.BR_CACHE_DIR);
  return path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'buildrunner');
}
