import path from 'node:path';
import Decimal from 'decimal.js';
import type { ResolveConflictInput, ResolveConflictResult } from '../../lib/contracts';
import type { SandboxPolicy } from '../../lib/sandbox/policy';
import { splitCommand } from '../command';
import { writeRegularFile } from '../safe-fs';
import { runInSandbox } from '../sandbox/run';
import { runHook, WITHOUT_HOOKS } from './hooks';
import { withRepoLock } from './lock';
import { mergeWorktree } from './merge';
import { fetchTaskTip, updateBuildBranch } from './remote';
import { authorEnv, git, runGit, trailers, trimOutput } from './run';
import { sandboxFailure } from './verify';

/**
 * Resolving a task's merge conflict in the build branch's merge worktree, instead of redoing the task.
 * The resolver (Claude, activities/claude/resolver.ts) only answers with file contents: they are written
 * without following symlinks, and the only code that runs on them is the pre-merge-commit hook and the
 * verification command, both in the sandbox. Anything short of a clean pass leaves the build branch as
 * it was and reports why, so the workflow redoes the task.
 */

export interface ConflictedFile {
  path: string;
  /** The file at the merge base, on the build branch and on the task branch (null: absent there). */
  base: string | null;
  build: string | null;
  task: string | null;
}

export interface ConflictQuestion {
  taskId: string;
  /** What this task was asked to do, and its commit messages. */
  taskIntent: string;
  /** The commit messages of the tasks that changed these files on the build branch meanwhile. */
  buildIntent: string;
  files: ConflictedFile[];
}

export type ConflictAnswer = { files: { path: string; content: string }[] } | { gaveUp: string };

export type AskResolution = (
  question: ConflictQuestion,
) => Promise<{ answer: ConflictAnswer; costUsd: string }>;

export interface ResolveContext {
  policy: SandboxPolicy;
  ask: AskResolution;
  /** The verification command to pass (none: only the hook). */
  verifyCommand?: string;
  verifyTimeoutSeconds: number;
}

/** A side larger than this (or binary) is not sent to the model: the task is redone instead. */
export const MAX_SIDE_CHARS = 200_000;
const INTENT_CHARS = 4_000;
const MARKER = /^(<{7}|>{7})( |$)/m;

/** Problems with an answer: it must give every conflicted file, no other, and no conflict markers. */
export function answerProblems(
  files: readonly string[],
  answer: { path: string; content: string }[],
): string[] {
  const problems: string[] = [];
  const given = answer.map((f) => f.path);
  for (const f of files)
    if (!given.includes(f)) problems.push(`${f}: missing; give its whole resolved content`);
  for (const f of answer) {
    if (!files.includes(f.path))
      problems.push(`${f.path}: not a conflicted file; give only ${files.join(', ')}`);
    else if (MARKER.test(f.content))
      problems.push(`${f.path}: still has conflict markers (<<<<<<< or >>>>>>>)`);
  }
  if (new Set(given).size !== given.length) problems.push('a file is given twice');
  return problems;
}

/** Resolves a task's conflict with the build branch of a repository on this machine, under its merge lock. */
export async function resolveLocalConflict(
  input: ResolveConflictInput,
  ctx: ResolveContext,
): Promise<ResolveConflictResult> {
  return withRepoLock(input.repoPath, async () => {
    const dir = await mergeWorktree(input.repoPath, input.buildId, input.buildBranch);
    return resolveIn(dir, input.branch, input, ctx);
  });
}

async function stage(dir: string, n: 1 | 2 | 3, file: string): Promise<string | null> {
  const r = await runGit(dir, ['show', `:${n}:${file}`], { allowFailure: true });
  return r.code === 0 ? r.stdout : null;
}

async function questionOf(
  dir: string,
  taskRef: string,
  input: ResolveConflictInput,
  files: string[],
): Promise<ConflictQuestion | string> {
  const conflicted: ConflictedFile[] = [];
  for (const f of files) {
    const sides = {
      path: f,
      base: await stage(dir, 1, f),
      build: await stage(dir, 2, f),
      task: await stage(dir, 3, f),
    };
    for (const side of [sides.base, sides.build, sides.task])
      if (side !== null && (side.length > MAX_SIDE_CHARS || side.includes('\0')))
        return `${f} is binary or larger than ${MAX_SIDE_CHARS} characters`;
    conflicted.push(sides);
  }
  const base = await git(dir, ['merge-base', 'HEAD', taskRef]);
  const log = (range: string, only: string[]) =>
    git(dir, ['log', '--no-merges', '--format=%B%n----', range, '--', ...only]).then((t) =>
      t.slice(0, INTENT_CHARS),
    );
  return {
    taskId: input.taskId,
    taskIntent: `${input.intent}\n\nIts commits:\n${await log(`${base}..${taskRef}`, [])}`,
    buildIntent: await log(`${base}..HEAD`, files),
    files: conflicted,
  };
}

/**
 * Merges `taskRef` into what `dir` has checked out; on a conflict asks for a resolution, writes it, and
 * commits the merge only when the hook and the verification command pass. `dir` is reset on any failure.
 */
export async function resolveIn(
  dir: string,
  taskRef: string,
  input: ResolveConflictInput,
  ctx: ResolveContext,
): Promise<ResolveConflictResult> {
  const before = await git(dir, ['rev-parse', 'HEAD']);
  let files: string[] = [];
  let costUsd = '0';
  const unresolved = async (reason: string): Promise<ResolveConflictResult> => {
    await runGit(dir, ['merge', '--abort'], { allowFailure: true });
    await git(dir, ['reset', '--quiet', '--hard', before]);
    await git(dir, ['clean', '-fdq']);
    return { mergeCommit: null, costUsd, files, reason: trimOutput(reason, 2000) };
  };
  try {
    const merge = await runGit(dir, [...WITHOUT_HOOKS, 'merge', '--no-ff', '--no-commit', taskRef], {
      env: authorEnv,
      allowFailure: true,
    });
    if (merge.code !== 0) {
      files = (await git(dir, ['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean);
      if (!files.length)
        return await unresolved(`The merge failed without a conflicted file: ${merge.stderr.trim()}`);
      const question = await questionOf(dir, taskRef, input, files);
      if (typeof question === 'string') return await unresolved(question);
      const asked = await ctx.ask(question);
      costUsd = asked.costUsd;
      if ('gaveUp' in asked.answer) return await unresolved(`The model gave up: ${asked.answer.gaveUp}`);
      const problems = answerProblems(files, asked.answer.files);
      if (problems.length) return await unresolved(`The resolution is unusable: ${problems.join('; ')}`);
      for (const f of asked.answer.files) writeRegularFile(dir, path.join(dir, f.path), f.content);
      await git(dir, ['add', '--', ...files]);
    }
    const hook = await runHook(dir, 'pre-merge-commit', [], ctx.policy);
    if (hook && (hook.run.code !== 0 || hook.run.timedOut || hook.run.outputLimited))
      return await unresolved(
        `The pre-merge-commit hook rejected the resolution (${hook.run.verdict}):\n${hook.run.output}`,
      );
    if (ctx.verifyCommand) {
      const run = await runInSandbox({
        argv: splitCommand(ctx.verifyCommand),
        dir,
        policy: { ...ctx.policy, timeoutSeconds: ctx.verifyTimeoutSeconds },
      });
      if (run.code !== 0 || run.timedOut || run.outputLimited)
        return await unresolved(
          `Verification "${ctx.verifyCommand}" ${run.verdict} on the resolution:\n${run.output}`,
        );
    }
    const how = files.length
      ? `Conflicts in ${files.join(', ')} resolved by ${input.model}.`
      : 'Merged cleanly on retry.';
    const message = `Merge task ${input.taskId} (${input.branch})\n\n${how}\n\n${trailers(input)}\n`;
    await git(dir, [...WITHOUT_HOOKS, 'commit', '--no-edit', '--file=-', '--cleanup=verbatim'], {
      input: message,
      env: authorEnv,
    });
    return { mergeCommit: await git(dir, ['rev-parse', 'HEAD']), costUsd, files };
  } catch (err) {
    // After the model answered, its cost must reach the workflow: a failure is reported, not thrown.
    if (costUsd !== '0') return unresolved(`Checking the resolution failed: ${(err as Error).message}`);
    await unresolved('').catch(() => undefined);
    throw sandboxFailure(err);
  }
}

/**
 * Resolves on the remote build branch, in this worker's cache clone, by compare-and-swap: a lost race
 * asks again on the new tip. Every answer's cost counts, also the answers of lost rounds.
 */
export async function resolveRemoteConflict(
  input: ResolveConflictInput & { repoUrl: string },
  ctx: ResolveContext,
  cacheDir: string,
): Promise<ResolveConflictResult> {
  const { repo, task } = await fetchTaskTip(input, cacheDir);
  let total = new Decimal(0);
  const ask: AskResolution = async (q) => {
    const asked = await ctx.ask(q);
    total = total.plus(asked.costUsd);
    return asked;
  };
  const result = await updateBuildBranch(repo, input.buildId, input.buildBranch, (dir) =>
    resolveIn(dir, task, input, { ...ctx, ask }),
  );
  return { ...result, costUsd: total.toFixed() };
}
