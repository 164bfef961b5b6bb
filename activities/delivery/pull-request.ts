import type { DeliverBuildInput, DeliverBuildResult } from '../../lib/contracts';
import { FailureClass } from '../../lib/failures';
import type { SummaryGaps } from '../../lib/gaps/types';
import { renderBuildSummary, type BuildSummary } from '../../lib/notify/github-summary';
import { SinkError } from '../../lib/notify/plugin';
import { failure } from '../failure';
import { cachedRepo } from '../git/cache';
import { git, runGit } from '../git/run';
import { DEFAULT_TOKEN_ENV, GITHUB_API, type GitHubClientOptions } from '../github/client';
import { upsertPullRequest } from '../github/pull-request';
import { repoFromUrl } from '../notify/sinks/github';

export interface PullRequestDeps {
  cacheDir: string;
  /** Where the token is read: the worker's environment and its .env (activities/notify/env.ts). */
  env: () => Readonly<Record<string, string | undefined>>;
  /** Client settings for tests against a loopback server (spaceWrites, retries). */
  github?: Partial<GitHubClientOptions>;
  /** The build's gap report for the body, from the worker's database (activities/evidence/finished.ts). */
  gaps?: (input: DeliverBuildInput) => Promise<SummaryGaps>;
}

const refused = (message: string) => failure(FailureClass.DELIVERY_REFUSED, message);

/**
 * Delivery by pull request: the build branch goes where GitHub sees it (a remote build keeps it on its
 * remote already; a build on this machine pushes it to the checkout's `origin`, without force), then
 * `upsertPullRequest` opens the pull request to the base with the build's summary, or updates the one
 * it opened before (found by its marker, the build branch): a retry or a continued build never opens a
 * second. GitHub errors that no retry fixes (403, 404, 422, no token) are DELIVERY_REFUSED with the hint;
 * 5xx and rate limits are thrown plainly, so Temporal retries the activity.
 */
export async function deliverPullRequest(
  input: DeliverBuildInput,
  deps: PullRequestDeps,
): Promise<DeliverBuildResult> {
  const { tip, url } = input.repoUrl
    ? await remoteTip({ ...input, repoUrl: input.repoUrl }, deps.cacheDir)
    : await pushToOrigin(input);
  const configured = input.github?.repo?.split('/');
  const derived = url ? repoFromUrl(url) : undefined;
  const where =
    configured?.length === 2 ? { owner: configured[0]!, repo: configured[1]!, baseUrl: GITHUB_API } : derived;
  // The token goes only to github.com or a host the project's config names: a remote URL is chosen by
  // whoever starts the build (--repo-url, MCP) or sits in the checkout, as the GitHub sink rules too.
  if (where && where === derived && !input.github?.baseUrl && where.baseUrl !== GITHUB_API)
    throw refused(
      `The build's remote is on ${new URL(where.baseUrl).host}, which is not github.com, and BuildRunner sends its GitHub token ` +
        'only to github.com or the host delivery.github.baseUrl names. Set delivery.github.baseUrl (GitHub Enterprise: https://<host>/api/v3) in buildrunner.config.json.',
    );
  if (!where)
    throw refused(
      `Which GitHub repository? delivery.github.repo is not set and ${url ? `${url} is not a GitHub URL` : 'there is no remote URL'}. ` +
        'Set delivery.github.repo ("owner/name") in buildrunner.config.json.',
    );
  const summary: BuildSummary = {
    ...(input.summary ?? {
      buildId: input.buildId,
      baseBranch: input.baseBranch,
      buildBranch: input.buildBranch,
      spentUsd: '0',
      tasks: [],
    }),
    ...(deps.gaps ? { gaps: await deps.gaps(input) } : {}),
  };
  try {
    const pr = await upsertPullRequest({
      ...deps.github,
      owner: where.owner,
      repo: where.repo,
      head: input.buildBranch,
      base: input.baseBranch,
      title: `BuildRunner: ${summary.project ?? input.buildId} (${input.buildId})`,
      body: renderBuildSummary(summary),
      marker: input.buildBranch,
      baseUrl: input.github?.baseUrl ?? where.baseUrl,
      tokenEnv: input.github?.tokenEnv ?? DEFAULT_TOKEN_ENV,
      env: deps.env(),
    });
    return { how: 'pull-request', commit: tip, where: 'github', pullRequest: pr };
  } catch (err) {
    if (!(err instanceof SinkError)) throw err;
    if (err.retryable) throw new Error(err.message);
    throw refused(`${err.message}${err.hint ? ` (${err.hint})` : ''}`);
  }
}

async function remoteTip(input: DeliverBuildInput & { repoUrl: string }, cacheDir: string) {
  const repo = cachedRepo(input.repoUrl, cacheDir);
  const tip = await repo.locked(async () => {
    await repo.fetch([input.buildBranch]);
    return repo.remoteTip(input.buildBranch);
  });
  if (!tip)
    throw refused(`The build branch "${input.buildBranch}" is gone from the remote ${input.repoUrl}.`);
  return { tip, url: input.repoUrl };
}

async function pushToOrigin(input: DeliverBuildInput) {
  const r = await runGit(
    input.repoPath,
    ['rev-parse', '--verify', '--quiet', `refs/heads/${input.buildBranch}^{commit}`],
    {
      allowFailure: true,
    },
  );
  if (r.code !== 0) throw refused(`The build branch "${input.buildBranch}" is gone from ${input.repoPath}.`);
  const tip = r.stdout.trim();
  const origin = await runGit(input.repoPath, ['remote', 'get-url', 'origin'], { allowFailure: true });
  if (origin.code !== 0)
    throw refused(
      `${input.repoPath} has no "origin" remote to push ${input.buildBranch} to, so no pull request can show it. ` +
        'Add one (git remote add origin <GitHub URL>), or use delivery.mode "merge".',
    );
  // Not forced: a build branch someone else moved on the remote is theirs to sort out.
  const push = await runGit(
    input.repoPath,
    ['push', '--porcelain', 'origin', `${tip}:refs/heads/${input.buildBranch}`],
    {
      network: true,
      allowFailure: true,
    },
  );
  if (push.code !== 0) {
    const text = (push.stderr || push.stdout).trim().slice(0, 1500);
    // A rejection is the remote's answer; anything else (network, auth prompt) may pass on a retry.
    if (/\[rejected\]|\[remote rejected\]|non-fast-forward/.test(push.stdout + push.stderr))
      throw refused(`The push of ${input.buildBranch} to origin was refused: ${text}`);
    throw new Error(`git push of ${input.buildBranch} to origin failed: ${text}`);
  }
  return { tip, url: (await git(input.repoPath, ['remote', 'get-url', 'origin'])) || undefined };
}
