import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { step } from './steps';
import type { ExplainedFailure } from '../lib/failure-hints';
import { userFailure } from '../lib/errors';
import { FailureClass } from '../lib/failures';

/**
 * Which repository a build works on, decided where `br build start` runs:
 * - `--local`, or a checkout without remotes: the checkout itself, on this machine (repoPath only),
 *   as BuildRunner always did: every worker must see this folder.
 * - `--repo <url|remote>`, else the checkout's `origin` (or its only remote): the URL. Workers fetch it
 *   into their own cache clones and push the build branch there; the checkout is left alone until
 *   the user fetches.
 * - `--repo .` (or `file`): the checkout itself as a file:// remote, for workers on this machine
 *   that should not touch it except through git.
 */
export interface RepoChoice {
  repo?: string;
  local?: boolean;
}

async function gitOut(cwd: string, args: string[]): Promise<{ code: number; out: string }> {
  const { runGit } = await import('../activities/git/run');
  const r = await runGit(cwd, args, { allowFailure: true });
  return { code: r.code, out: r.stdout.trim() };
}

/** The URL the build's workers use, or undefined for a build on the checkout itself. */
export async function resolveRepoUrl(root: string, choice: RepoChoice): Promise<string | undefined> {
  if (choice.local) return undefined;
  const wanted = choice.repo?.trim();
  if (wanted === '.' || wanted === 'file') return pathToFileURL(root).href;
  if (wanted && /^(ssh|https?|git|file):\/\/|^[^/\s]+@[^:\s]+:/.test(wanted)) return wanted;
  const remotes = (await gitOut(root, ['remote'])).out.split('\n').filter(Boolean);
  const name =
    wanted ?? (remotes.includes('origin') ? 'origin' : remotes.length === 1 ? remotes[0] : undefined);
  if (!name) return undefined;
  const url = await gitOut(root, ['remote', 'get-url', name]);
  if (url.code !== 0)
    throw userFailure(
      FailureClass.CONFIG_INVALID,
      `"${name}" is neither a remote of ${root} nor a git URL (ssh://, https://, file://, user@host:path).`,
    );
  // A remote given as a plain path is turned into a file:// URL, which every worker on this machine reads.
  return /^[a-z][a-z0-9+.-]*:\/\/|^[^/\s]+@[^:\s]+:/i.test(url.out)
    ? url.out
    : pathToFileURL(path.resolve(root, url.out)).href;
}

/**
 * Before a remote build starts: the base branch must be on the remote (the build starts from the
 * remote's tip, not from the checkout), and local commits the remote lacks are worth a warning.
 */
export async function checkRemoteBase(
  root: string,
  repoUrl: string,
  baseBranch: string,
): Promise<ExplainedFailure[]> {
  const listed = await step(
    `the build's repository ${repoUrl} (git ls-remote)`,
    'Check that the remote answers from here, or build on this checkout with --local.',
    () => gitOut(root, ['ls-remote', repoUrl, `refs/heads/${baseBranch}`]),
  );
  if (listed.code !== 0)
    throw userFailure(
      FailureClass.REMOTE_UNREACHABLE,
      `Cannot reach the build's repository ${repoUrl} from here (git ls-remote failed).`,
    );
  const remoteTip = listed.out.split('\t')[0];
  if (!remoteTip)
    throw userFailure(
      FailureClass.BASE_BRANCH_MISSING,
      `Base branch "${baseBranch}" is not on the remote ${repoUrl}. Push it first (git push origin ${baseBranch}).`,
    );
  const local = await gitOut(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${baseBranch}`]);
  if (local.code !== 0 || local.out === remoteTip) return [];
  const known = await gitOut(root, ['cat-file', '-e', `${remoteTip}^{commit}`]);
  const ahead =
    known.code === 0 ? await gitOut(root, ['rev-list', '--count', `${remoteTip}..${local.out}`]) : null;
  const count = ahead && ahead.code === 0 ? Number(ahead.out) : undefined;
  if (count === 0) return [];
  return [
    {
      code: 'BASE_NOT_PUSHED',
      message:
        count !== undefined
          ? `Your local ${baseBranch} has ${count} commit(s) the remote lacks: the build starts from the remote's ${baseBranch} (${remoteTip.slice(0, 10)}).`
          : `Your local ${baseBranch} differs from the remote's: the build starts from the remote's ${baseBranch} (${remoteTip.slice(0, 10)}).`,
      hint: `Push them first (git push <remote> ${baseBranch}) if the build needs them, or start with --local.`,
    },
  ];
}
