// eslint-disable-next-line no-restricted-imports -- writeFileSync only fills the folder it just made, before any hook runs
import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { FailureClass } from '../../lib/failures';
import { configuredHooksPath } from './safe';
import { readRegularFile, UnsafeFileError } from '../safe-fs';
import type { SandboxPolicy } from '../../lib/sandbox/policy';
import { failure } from '../failure';
import { runInSandbox, type SandboxRun } from '../sandbox/run';
import { BUILDRUNNER_HOOK_ENV, buildRunnerMounts } from '../sandbox/self';
import { commonGitDir } from './run';

/**
 * Git hooks of task commits run in the sandbox, not inside `git commit`: git itself runs outside
 * (it must write the repository) with hooks switched off, and BuildRunner runs the hooks git would
 * have run, in the same order with the same arguments, each in the sandbox against the worktree.
 */

/**
 * `-c core.hooksPath=/dev/null`: no hook can exist below it. Every git run outside the sandbox has it
 * already (activities/git/safe.ts); kept at the call sites that would run hooks, to say so where it matters.
 */
export const WITHOUT_HOOKS = ['-c', 'core.hooksPath=/dev/null'];

/** A commit message is a few KB; a hook that leaves more is refused rather than read into memory. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface HookOutcome {
  hook: string;
  run: SandboxRun;
}

async function hookFile(worktree: string, name: string): Promise<string | null> {
  // core.hooksPath (local or global) as the config files set it, relative to the worktree, as git
  // would resolve it when committing here; otherwise the shared git dir's hooks.
  const configured = await configuredHooksPath(worktree);
  const dir = configured
    ? configured.value.startsWith('~/')
      ? path.join(homedir(), configured.value.slice(2))
      : configured.value
    : path.join(await commonGitDir(worktree), 'hooks');
  const file = path.resolve(worktree, dir, name);
  try {
    if (!statSync(file).isFile()) return null;
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    return null;
  }
}

export async function runHook(
  worktree: string,
  name: string,
  args: readonly string[],
  policy: SandboxPolicy,
  extra: { env?: Record<string, string>; writable?: string[] } = {},
): Promise<HookOutcome | null> {
  const file = await hookFile(worktree, name);
  if (!file) return null;
  const env: Record<string, string> = { ...extra.env };
  for (const n of BUILDRUNNER_HOOK_ENV) if (process.env[n]) env[n] = process.env[n]!;
  const hooksDir = path.dirname(file);
  const run = await runInSandbox({
    argv: [file, ...args],
    dir: worktree,
    policy,
    env,
    readOnly: [...buildRunnerMounts(), [hooksDir, hooksDir]],
    writable: extra.writable,
  });
  return { hook: name, run };
}

/**
 * The hooks of `git commit` before the commit: pre-commit, prepare-commit-msg and commit-msg (which may
 * rewrite the message). Returns the first rejection, or the message to commit with.
 */
export async function runCommitHooks(
  worktree: string,
  message: string,
  policy: SandboxPolicy,
): Promise<{ rejected: HookOutcome } | { message: string }> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'br-commit-msg-'));
  try {
    const msgFile = path.join(tmp, 'COMMIT_EDITMSG');
    writeFileSync(msgFile, message);
    const steps: [string, string[]][] = [
      ['pre-commit', []],
      ['prepare-commit-msg', [msgFile, 'message']],
      ['commit-msg', [msgFile]],
    ];
    for (const [hook, args] of steps) {
      const outcome = await runHook(worktree, hook, args, policy, { writable: [tmp] });
      if (outcome && (outcome.run.code !== 0 || outcome.run.timedOut || outcome.run.outputLimited))
        return { rejected: outcome };
    }
    // The hooks could write this folder: the message file may now be a symlink or a FIFO.
    try {
      return { message: readRegularFile(msgFile, MAX_MESSAGE_BYTES) ?? '' };
    } catch (err) {
      if (!(err instanceof UnsafeFileError)) throw err;
      throw failure(
        FailureClass.HOOK_REJECTED,
        `The commit-msg hooks left a commit message BuildRunner will not read: ${err.message}`,
        {
          output: `The message file must stay a regular file of at most ${MAX_MESSAGE_BYTES} bytes: ${err.message}`,
        },
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
