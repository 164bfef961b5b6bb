import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { UserError } from '../lib/errors';
import { withDatabase, type ServiceContext } from './context';

const run = promisify(execFile);

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
  /** The git range shown, e.g. `main...br/build-shop-1` or `<merge>^1..<merge>`. */
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
  const { repoPath, range } = await withDatabase(ctx, async (db) => {
    const build = await db.prisma.build.findUnique({
      where: { id: buildId },
      select: { repoPath: true, baseBranch: true, buildBranch: true },
    });
    if (!build)
      throw new UserError(`No build "${buildId}" in the database. List builds with \`br build list\`.`);
    // The build ran on a worker; this checkout holds the same repository when the recorded path is not here.
    const repoPath = existsSync(build.repoPath) ? build.repoPath : ctx.root;
    if (!options.taskId) return { repoPath, range: `${build.baseBranch}...${build.buildBranch}` };
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
    return { repoPath, range: `${task.mergeCommit}^1..${task.mergeCommit}` };
  });

  const git = async (args: string[]) => {
    try {
      return (await run('git', args, { cwd: repoPath, maxBuffer: MAX_PATCH_BYTES, encoding: 'utf8' })).stdout;
    } catch (err) {
      const e = err as { stderr?: string; code?: string | number };
      if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
        throw new UserError(
          `The diff of ${range} is over ${MAX_PATCH_BYTES / 1024 / 1024} MB. Ask for one task with --task, or for --stat.`,
        );
      const why = (e.stderr ?? String(err)).trim().split('\n')[0];
      throw new UserError(
        `git cannot show ${range} in ${repoPath}: ${why}. If the build ran elsewhere, fetch its build branch into this checkout first.`,
      );
    }
  };

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
