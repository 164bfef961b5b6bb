import path from 'node:path';
import { brandLayer } from '../../lib/design/brand';
import { designFiles } from '../../lib/design/emit';
import type { DesignRequest } from '../../lib/design/request';
import { buildTheme } from '../../lib/design/theme';
import { writeRegularFile } from '../safe-fs';
import { withRepoLock } from './lock';
import { mergeWorktree } from './merge';
import { authorEnv, git, runGit, trailers } from './run';

/**
 * Commits the design files (DESIGN.md, theme.css, registry item, DTCG tokens) on the build branch, in
 * the build branch's own worktree, so every task worktree starts with them. Idempotent: a retry or a
 * second call with the same request finds nothing to commit.
 */
export async function commitDesign(args: {
  repoPath: string;
  buildId: string;
  buildBranch: string;
  design: DesignRequest;
}): Promise<{ commit: string | null }> {
  return withRepoLock(args.repoPath, async () => {
    const dir = await mergeWorktree(args.repoPath, args.buildId, args.buildBranch);
    return commitDesignIn(dir, args);
  });
}

/** Writes and commits the design files in `dir` (a checkout of the build branch); null when unchanged. */
export async function commitDesignIn(
  dir: string,
  args: { buildId: string; design: DesignRequest },
): Promise<{ commit: string | null }> {
  const { design } = args;
  const brand = design.brand ? brandLayer(design.brand, design.brandName ?? 'brand') : undefined;
  const files = designFiles(buildTheme(design.profile, design.pattern, brand));
  const out = path.join(dir, design.outDir);
  // The build branch may hold what earlier tasks wrote: no symlink on the way is followed.
  for (const f of files) writeRegularFile(dir, path.join(out, f.path), f.content);
  // The files by name, never the folder: `git add <folder>` runs `git status` in a nested repository
  // there (a gitlink an earlier task committed), whose config (a filter driver) the model wrote.
  const written = files.map((f) => path.posix.join(design.outDir.split(path.sep).join('/'), f.path));
  await git(dir, ['update-index', '--add', '-z', '--stdin'], { input: `${written.join('\0')}\0` });
  const staged = await runGit(dir, ['diff', '--cached', '--quiet'], { allowFailure: true });
  if (staged.code === 0) return { commit: null };
  const message = `Design system: ${design.profile} × ${design.pattern} (br design generate)\n\nThe coding agent follows ${design.outDir}/DESIGN.md.\n\n${trailers({ buildId: args.buildId })}\n`;
  // Generated files, not code a model wrote: the repository's hooks check the tasks' commits instead.
  await git(dir, ['commit', '--quiet', '--no-verify', '-m', message], {
    env: authorEnv,
  });
  return { commit: await git(dir, ['rev-parse', 'HEAD']) };
}
