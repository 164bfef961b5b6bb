import { existsSync } from 'node:fs';
import { UserError } from '../lib/errors';
import { runGit } from '../activities/git/safe';
import { withDatabase, type ServiceContext } from './context';

/**
 * `br build diff` and the MCP diff resource: what a build (from its base to its build branch) or one
 * of its tasks (its merge commit against the build branch before it) changed, read from the
 * repository's git objects. The build and its task's merge commit come from the database.
 */

export interface DiffFile {
  path: string;
  /** null for a binary file. */
  added: number | null;
  removed: number | null;
}

export interface BuildDiff {
  buildId: string;
  taskId?: string;
  /** The git range shown: `<base commit>..br/build-shop-1` for a build, `<merge>^1..<merge>` for a task. */
  range: string;
  files: DiffFile[];
  /** The unified diff (omitted with `stat`). */
  patch?: string;
}

/** Patches larger than this are refused with a hint to narrow them, rather than read into memory whole. */
const MAX_PATCH_BYTES = 32 * 1024 * 1024;

export async function buildDiff(
  ctx: ServiceContext,
  buildId: string,
  options: { taskId?: string; stat?: boolean } = {},
): Promise<BuildDiff> {
  const found = await withDatabase(ctx, async (db) => {
    const build = await db.prisma.build.findUnique({
      where: { id: buildId },
      select: { repoPath: true, baseBranch: true, buildBranch: true },
    });
    if (!build)
      throw new UserError(`No build "${buildId}" in the database. List builds with \`br build list\`.`);
    // The build ran on a worker; this checkout holds the same repository when the recorded path is not here.
    const repoPath = existsSync(build.repoPath) ? build.repoPath : ctx.root;
    if (!options.taskId)
      return { repoPath, range: null, buildBranch: build.buildBranch, baseBranch: build.baseBranch };
    const task = await db.prisma.task.findUnique({
      where: { buildId_taskKey: { buildId, taskKey: options.taskId } },
      select: { status: true, mergeCommit: true },
    });
    if (!task)
      throw new UserError(
        `Build ${buildId} has no task "${options.taskId}". Its tasks are listed by \`br build status ${buildId}\`.`,
      );
    if (!task.mergeCommit)
      throw new UserError(
        `Task ${options.taskId} of build ${buildId} has no merge commit (it is ${task.status}): nothing of it is on the build branch. \`br build logs ${buildId} --task ${options.taskId}\` shows what it did.`,
      );
    return {
      repoPath,
      range: `${task.mergeCommit}^1..${task.mergeCommit}`,
      buildBranch: build.buildBranch,
      baseBranch: build.baseBranch,
    };
  });

  const { repoPath } = found;
  let range = found.range ?? found.buildBranch;
  const git = async (args: string[]) => {
    try {
      return (await runGit(repoPath, args, { maxOutputBytes: MAX_PATCH_BYTES })).stdout;
    } catch (err) {
      const e = err as { stderr?: string; tooLarge?: boolean };
      if (e.tooLarge)
        throw new UserError(
          `The diff of ${range} is over ${MAX_PATCH_BYTES / 1024 / 1024} MB. Ask for one task with --task, or for --stat.`,
        );
      const why = (e.stderr ?? String(err)).trim().split('\n')[0];
      throw new UserError(
        `git cannot show ${range} in ${repoPath}: ${why}. If the build ran elsewhere, fetch its build branch into this checkout first.`,
      );
    }
  };

  if (!found.range) {
    const base = await buildBase(git, buildId, found.buildBranch);
    range = base ? `${base}..${found.buildBranch}` : `${found.baseBranch}...${found.buildBranch}`;
  }
  const files = (await git(['diff', '--numstat', '--no-color', '--no-ext-diff', range, '--']))
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [added, removed, ...rest] = line.split('\t');
      const count = (s: string | undefined) => (s === '-' || s === undefined ? null : Number(s));
      return { path: rest.join('\t'), added: count(added), removed: count(removed) };
    });
  const result: BuildDiff = { buildId, ...(options.taskId ? { taskId: options.taskId } : {}), range, files };
  if (!options.stat) result.patch = await git(['diff', '--no-color', '--no-ext-diff', range, '--']);
  return result;
}

/**
 * Where the build branch left its base: the parent of the oldest commit on its first-parent line that
 * BuildRunner made for this build (merges, design files, features; each carries `BuildRunner-Build:`).
 * Unlike `base...build`, this still holds after the build branch was merged into the base. Null when
 * no commit carries the trailer (a branch made by hand): the caller falls back to `base...build`.
 */
async function buildBase(git: (args: string[]) => Promise<string>, buildId: string, branch: string) {
  const log = await git([
    'log',
    '--first-parent',
    '--format=%H %P%x09%(trailers:key=BuildRunner-Build,valueonly,separator=%x2C)',
    `refs/heads/${branch}`,
    '--',
  ]);
  let base: string | null = null;
  for (const line of log.split('\n').filter(Boolean)) {
    const [hashes, builds = ''] = line.split('\t');
    const [, firstParent] = hashes!.split(' ');
    if (builds.split(',').some((b) => b.trim() === buildId)) base = firstParent ?? null;
  }
  return base;
}
