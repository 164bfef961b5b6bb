/**
 * The build's pull request, created once and updated after: found again by a hidden marker in its
 * body (`<!-- buildrunner:pull-request KEY -->`) among the pull requests of its head branch, so a
 * repeated call (the worker died after the create, a `br build continue` of the same build branch)
 * updates that one instead of opening a second.
 */
import { GITHUB_BODY_LIMIT } from '../../lib/notify/github-summary';
import { createGitHubClient, type GitHubClient, type GitHubClientOptions } from './client';
import { isGitHubStatus } from './errors';

export interface PullRequestSpec {
  owner: string;
  repo: string;
  /** The build branch (`branch` or `owner:branch`). */
  head: string;
  base: string;
  title: string;
  body: string;
  /** What makes this pull request the same one next time: the build branch or the build id. */
  marker: string;
}

export interface UpsertPullRequestOptions extends PullRequestSpec, GitHubClientOptions {
  /** An existing client (its token, base URL and signal); otherwise one is made from the options. */
  client?: GitHubClient;
}

export interface PullRequestResult {
  number: number;
  url: string;
  action: 'created' | 'updated' | 'reopened' | 'unchanged';
}

interface PullLike {
  number: number;
  html_url: string;
  state: string;
  title: string;
  body?: string | null;
  merged_at?: string | null;
  base: { ref: string };
}

/** The hidden line that identifies a pull request; the key is URI-encoded so it cannot end the comment. */
export function pullRequestMarker(key: string): string {
  return `<!-- buildrunner:pull-request ${encodeURIComponent(key)} -->`;
}

/** The body as sent: bounded to GitHub's limit with the marker kept as its last line. */
export function pullRequestBody(body: string, marker: string): string {
  const tail = `\n\n${pullRequestMarker(marker)}`;
  const room = GITHUB_BODY_LIMIT - tail.length;
  const cut = "\n\n… (cut to fit GitHub's limit)";
  const text = body.length > room ? body.slice(0, room - cut.length) + cut : body;
  return text + tail;
}

/** Of a head branch's pull requests: ours and open, else another open one to the same base, else ours closed unmerged. */
export function choosePullRequest<P extends PullLike>(
  pulls: P[],
  markerLine: string,
  base: string,
): P | undefined {
  const ours = (p: P) => (p.body ?? '').includes(markerLine);
  return (
    pulls.find((p) => p.state === 'open' && ours(p)) ??
    pulls.find((p) => p.state === 'open' && p.base.ref === base) ??
    pulls.find((p) => p.state === 'closed' && !p.merged_at && ours(p))
  );
}

export async function upsertPullRequest(options: UpsertPullRequestOptions): Promise<PullRequestResult> {
  const client = options.client ?? (await createGitHubClient(options));
  const { octokit } = client;
  const { owner, repo, base, title } = options;
  const where = `${owner}/${repo}`;
  const head = options.head.includes(':') ? options.head : `${owner}:${options.head}`;
  const branch = head.slice(head.indexOf(':') + 1);
  const markerLine = pullRequestMarker(options.marker);
  const body = pullRequestBody(options.body, options.marker);

  const find = async () => {
    try {
      const pulls = await octokit.paginate(octokit.rest.pulls.list, {
        owner,
        repo,
        head,
        state: 'all',
        per_page: 100,
      });
      return choosePullRequest(pulls, markerLine, base);
    } catch (err) {
      throw client.fail(err, `list the pull requests of ${branch} in ${where}`);
    }
  };

  const update = async (pr: PullLike): Promise<PullRequestResult> => {
    const reopen = pr.state !== 'open';
    if (!reopen && pr.title === title && pr.body === body && pr.base.ref === base)
      return { number: pr.number, url: pr.html_url, action: 'unchanged' };
    try {
      const { data } = await octokit.rest.pulls.update({
        owner,
        repo,
        pull_number: pr.number,
        title,
        body,
        ...(pr.base.ref !== base ? { base } : {}),
        ...(reopen ? { state: 'open' as const } : {}),
      });
      return { number: data.number, url: data.html_url, action: reopen ? 'reopened' : 'updated' };
    } catch (err) {
      throw client.fail(err, `update pull request #${pr.number} in ${where}`);
    }
  };

  const found = await find();
  if (found) return update(found);
  try {
    const { data } = await octokit.rest.pulls.create({ owner, repo, head, base, title, body });
    return { number: data.number, url: data.html_url, action: 'created' };
  } catch (err) {
    // 422 "A pull request already exists": one was opened since we looked (by us before a crash,
    // or by a person); update it rather than fail.
    if (isGitHubStatus(err, 422)) {
      const again = await find();
      if (again) return update(again);
    }
    throw client.fail(err, `create a pull request from ${branch} to ${base} in ${where}`);
  }
}

const ANY_MARKER = '<!-- buildrunner:pull-request ';

/**
 * The pull request of a build branch, for comments: an open one BuildRunner made, else any open one
 * from that branch, else the latest BuildRunner made; undefined when there is none.
 */
export async function findBuildPullRequest(
  client: GitHubClient,
  owner: string,
  repo: string,
  branch: string,
): Promise<PullRequestResult | undefined> {
  const { octokit } = client;
  let pulls: PullLike[];
  try {
    pulls = await octokit.paginate(octokit.rest.pulls.list, {
      owner,
      repo,
      head: `${owner}:${branch}`,
      state: 'all',
      per_page: 100,
    });
  } catch (err) {
    throw client.fail(err, `list the pull requests of ${branch} in ${owner}/${repo}`);
  }
  const ours = (p: PullLike) => (p.body ?? '').includes(ANY_MARKER);
  const found =
    pulls.find((p) => p.state === 'open' && ours(p)) ??
    pulls.find((p) => p.state === 'open') ??
    pulls.filter(ours).sort((a, b) => b.number - a.number)[0];
  return found && { number: found.number, url: found.html_url, action: 'unchanged' };
}
