/**
 * Commit statuses: one per task (`buildrunner/<taskId>`) on the commit the task merged, or on the
 * build branch's head when the task left no commit (a failure). GitHub keeps the latest status of a
 * context, so setting the same one again shows nothing new: safe to repeat after a crash.
 */
import type { GitHubClient } from './client';
import { isGitHubStatus, withHint } from './errors';

export type CommitState = 'success' | 'failure' | 'error' | 'pending';

export interface CommitStatus {
  owner: string;
  repo: string;
  sha: string;
  state: CommitState;
  context: string;
  /** At most 140 characters on GitHub; longer is cut. */
  description: string;
  targetUrl?: string;
}

const DESCRIPTION_LIMIT = 140;

export function statusDescription(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= DESCRIPTION_LIMIT ? one : `${one.slice(0, DESCRIPTION_LIMIT - 1)}…`;
}

/** The commit a branch points at. */
export async function branchHead(
  client: GitHubClient,
  owner: string,
  repo: string,
  branch: string,
): Promise<string> {
  try {
    const { data } = await client.octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (err) {
    const failure = client.fail(err, `find the head of ${branch} in ${owner}/${repo}`);
    if (!isGitHubStatus(err, 404)) throw failure;
    throw withHint(
      failure,
      `${branch} is not on GitHub, or the token in ${client.tokenEnv} cannot see ${owner}/${repo}: ` +
        'commit statuses need the build branch pushed, as a remote build does',
    );
  }
}

export async function setCommitStatus(client: GitHubClient, s: CommitStatus): Promise<{ sha: string }> {
  try {
    await client.octokit.rest.repos.createCommitStatus({
      owner: s.owner,
      repo: s.repo,
      sha: s.sha,
      state: s.state,
      context: s.context,
      description: statusDescription(s.description),
      ...(s.targetUrl ? { target_url: s.targetUrl } : {}),
    });
    return { sha: s.sha };
  } catch (err) {
    const failure = client.fail(
      err,
      `set status ${s.context} on ${s.sha.slice(0, 12)} in ${s.owner}/${s.repo}`,
    );
    if (!isGitHubStatus(err, 422) || !/no commit found/i.test(failure.message)) throw failure;
    throw withHint(
      failure,
      'the commit is not on GitHub: commit statuses need the build branch pushed, as a remote build does',
    );
  }
}
