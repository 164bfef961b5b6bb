import { lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sanitizedGitConfig } from '../../lib/sandbox/gitconfig';
import type { SandboxMounts } from '../../lib/sandbox/policy';
import { runGit } from '../git/run';

/** Files in a git folder that hold credentials by their name (a `.git-credentials` someone put there). */
const CREDENTIAL_FILE = /credential|cookie|token|netrc|password|secret/i;

const isFile = (p: string) => {
  try {
    return lstatSync(p).isFile();
  } catch {
    return false;
  }
};

/** `config` files of submodules' git folders (`modules/<name>/…`, nested ones included), not following symlinks. */
function submoduleConfigs(dir: string, depth = 0): string[] {
  if (depth > 6) return [];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isFile()) return e.name === 'config' || e.name === 'config.worktree' ? [p] : [];
    return e.isDirectory() && !/^(?:objects|refs|logs|hooks|info)$/.test(e.name)
      ? submoduleConfigs(p, depth + 1)
      : [];
  });
}

export interface GitOverlays {
  overlays: [string, string][];
  release(): void;
}

/**
 * Sanitised copies of every git config the sandbox could read (the shared config, the worktree
 * configs, the system one), to mount over the real ones, and /dev/null over credential files in the
 * git folders. The copies live in a private temp folder removed after the run.
 */
export async function gitOverlays(
  mounts: Pick<SandboxMounts, 'gitDir' | 'commonGitDir'>,
): Promise<GitOverlays> {
  const dirs = [...new Set([mounts.commonGitDir, mounts.gitDir].filter((d): d is string => !!d))];
  const configs = [
    '/etc/gitconfig',
    ...dirs.flatMap((d) => [path.join(d, 'config'), path.join(d, 'config.worktree')]),
    // Submodules keep their own git folders (and remote URLs) under modules/.
    ...(mounts.commonGitDir ? submoduleConfigs(path.join(mounts.commonGitDir, 'modules')) : []),
  ].filter(isFile);
  const overlays: [string, string][] = [];
  let tmp: string | undefined;
  for (const [i, config] of configs.entries()) {
    // --file reads only that file: no repository discovery, no includes followed.
    const list = await runGit(tmpdir(), ['config', '--file', config, '--list', '--null'], {
      allowFailure: true,
    });
    tmp ??= mkdtempSync(path.join(tmpdir(), 'br-gitconfig-'));
    const copy = path.join(tmp, `config-${i}`);
    // A config git cannot parse is shown empty rather than as it is.
    writeFileSync(copy, list.code === 0 ? sanitizedGitConfig(list.stdout) : '', { mode: 0o444 });
    overlays.push([copy, config]);
  }
  for (const dir of dirs)
    for (const name of readdirSync(dir))
      if (CREDENTIAL_FILE.test(name) && isFile(path.join(dir, name)))
        overlays.push(['/dev/null', path.join(dir, name)]);
  return {
    overlays,
    release: () => {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    },
  };
}
