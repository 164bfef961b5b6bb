/**
 * One comment per delivery on a pull request: the comment carries a hidden marker with the
 * delivery's key, and the pull request's comments are read first, so a retry after a worker died
 * between the POST and its answer finds the comment it made instead of adding a second.
 */
import type { GitHubClient } from './client';

export function commentMarker(key: string): string {
  return `<!-- buildrunner:comment ${encodeURIComponent(key)} -->`;
}

export interface CommentOnce {
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  /** Stable for this delivery (SinkContext.idempotencyKey). */
  key: string;
  signal?: AbortSignal;
}

export async function commentOnce(
  client: GitHubClient,
  c: CommentOnce,
): Promise<{ action: 'created' | 'existing'; url: string }> {
  const { octokit } = client;
  const marker = commentMarker(c.key);
  const where = `pull request #${c.issueNumber} in ${c.owner}/${c.repo}`;
  const params = { owner: c.owner, repo: c.repo, issue_number: c.issueNumber };
  const mine = async () => {
    try {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...params, per_page: 100 });
      return comments.find((comment) => (comment.body ?? '').includes(marker));
    } catch (err) {
      throw client.fail(err, `read the comments of ${where}`);
    }
  };
  const before = await mine();
  if (before) return { action: 'existing', url: before.html_url };
  try {
    // Never repeated by the retry plugin: a POST whose answer was lost may have made the comment.
    const { data } = await octokit.rest.issues.createComment({
      ...params,
      body: `${c.body}\n\n${marker}`,
      request: { retries: 0 },
    });
    return { action: 'created', url: data.html_url };
  } catch (err) {
    const failure = client.fail(err, `comment on ${where}`);
    if (!failure.retryable || c.signal?.aborted) throw failure;
    // The answer was lost or GitHub failed: look once whether the comment landed.
    const landed = await mine();
    if (landed) return { action: 'existing', url: landed.html_url };
    throw failure;
  }
}
