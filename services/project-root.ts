import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository top level above cwd (where .git is), or cwd when there is no repository. */
export function projectRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(cwd);
    dir = parent;
  }
}
