import { homedir } from 'node:os';
import path from 'node:path';
import { configuredHooksPathSync, gitSync } from '../../activities/git/safe';

export type HooksScope = 'default' | 'local' | 'worktree' | 'global' | 'system' | 'command';

export interface HooksLocation {
  /** Absolute folder git runs hooks from. */
  dir: string;
  scope: HooksScope;
  /** The core.hooksPath value as configured, or null when git uses <git dir>/hooks. */
  configured: string | null;
  /** Where the setting came from (git's --show-origin), e.g. "file:/home/me/.gitconfig". */
  origin: string | null;
  /** The repository's shared git dir, where the manifest lives. */
  commonDir: string;
  /** The working tree top level, against which a relative core.hooksPath is resolved. */
  topLevel: string;
}

function gitOut(cwd: string, args: string[]): { code: number; stdout: string } {
  const r = gitSync(cwd, args, { allowFailure: true });
  return { code: r.code, stdout: r.stdout.trim() };
}

/**
 * Where git will look for this repository's hooks. core.hooksPath wins at whatever scope it is set
 * (husky and lefthook set it locally, some teams globally); otherwise <common git dir>/hooks.
 */
export function locateHooks(cwd: string): HooksLocation {
  const top = gitOut(cwd, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0) throw new Error(`${cwd} is not inside a git working tree.`);
  const commonDir = gitOut(cwd, ['rev-parse', '--path-format=absolute', '--git-common-dir']).stdout;
  const setting = configuredHooksPathSync(cwd);
  if (!setting)
    return {
      dir: path.join(commonDir, 'hooks'),
      scope: 'default',
      configured: null,
      origin: null,
      commonDir,
      topLevel: top.stdout,
    };
  const { scope, origin, value: configured } = setting;
  const expanded = configured.startsWith('~/') ? path.join(homedir(), configured.slice(2)) : configured;
  return {
    dir: path.resolve(top.stdout, expanded),
    scope: (scope as HooksScope) ?? 'local',
    configured,
    origin: origin ?? null,
    commonDir,
    topLevel: top.stdout,
  };
}
