/**
 * The GitHub sink (built in): a commit status per task (`buildrunner/<taskId>`, success or failure)
 * on the commit the task merged, or on the build branch's head for a failure; and, when the build
 * finishes, one comment on the build branch's pull request if there is one. Idempotent: a status
 * set again changes nothing visible, and the comment carries the delivery's key in a hidden marker
 * that is looked for before posting.
 *
 * Options: `repo` ("owner/name"; default: the repository of the build's remote URL when the event
 * carries it), `baseUrl` (GitHub Enterprise: https://<host>/api/v3), `tokenEnv` (default GITHUB_TOKEN).
 */
import {
  createGitHubClient,
  DEFAULT_TOKEN_ENV,
  GITHUB_API,
  type GitHubClientOptions,
} from '../../github/client';
import { commentOnce } from '../../github/comment';
import { findBuildPullRequest } from '../../github/pull-request';
import { branchHead, setCommitStatus } from '../../github/status';
import { buildBranchName } from '../../../lib/ids';
import type { NotifyEvent } from '../../../lib/notify/events';
import { renderFinishedComment } from '../../../lib/notify/github-summary';
import {
  definePlugin,
  SinkError,
  type DeliveryResult,
  type SinkContext,
  type SinkDefinition,
} from '../../../lib/notify/plugin';

type Options = Readonly<Record<string, unknown>>;
const REPO = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

export interface RepoRef {
  owner: string;
  repo: string;
  /** The REST root for this repository's host. */
  baseUrl: string;
}

/** owner/name and API root from a remote URL (https, ssh, scp-like); undefined for anything else. */
export function repoFromUrl(url: string): RepoRef | undefined {
  const m =
    /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url) ??
    /^[^@/]+@([^:/]+):([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
  if (!m) return undefined;
  const [, host = '', owner = '', repo = ''] = m;
  const github = host === 'github.com' || host === 'www.github.com';
  return { owner, repo, baseUrl: github ? GITHUB_API : `https://${host}/api/v3` };
}

const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

function repoOf(event: NotifyEvent, options: Options): RepoRef | SinkError | undefined {
  const configured = text(options.repo) && REPO.exec(text(options.repo) ?? '');
  const baseUrl = text(options.baseUrl);
  if (configured)
    return { owner: configured[1] ?? '', repo: configured[2] ?? '', baseUrl: baseUrl ?? GITHUB_API };
  const repoUrl = (event.data as { repoUrl?: unknown }).repoUrl;
  const derived = typeof repoUrl === 'string' ? repoFromUrl(repoUrl) : undefined;
  if (!derived || baseUrl) return derived && { ...derived, ...(baseUrl ? { baseUrl } : {}) };
  // The token goes only to github.com or a host the worker's own config names: a build's remote is
  // chosen by whoever starts the build.
  if (derived.baseUrl !== GITHUB_API)
    return new SinkError(
      `GitHub: the build's remote is on ${new URL(derived.baseUrl).host}, which is not github.com`,
      'config',
      false,
      'for GitHub Enterprise set "baseUrl": "https://<host>/api/v3" (and "repo") in the github sink\'s options',
    );
  return derived;
}

function check(options: Options, env: Readonly<Record<string, string | undefined>>): string[] {
  const problems: string[] = [];
  const tokenEnv = text(options.tokenEnv) ?? DEFAULT_TOKEN_ENV;
  if (!env[tokenEnv])
    problems.push(`${tokenEnv} is not set: a token that may write commit statuses and pull requests`);
  // Only remote builds (br build start --repo) carry their github.com remote in the events; builds of a
  // local checkout fail every delivery without repo.
  if (options.repo === undefined)
    problems.push(
      'options.repo is not set: only remote builds (--repo <github.com URL>) name their repository; for the others name it, "repo": "owner/name" (GitHub Enterprise: also "baseUrl")',
    );
  else if (!REPO.test(text(options.repo) ?? ''))
    problems.push(`options.repo ${JSON.stringify(options.repo)} is not "owner/name"`);
  const baseUrl = text(options.baseUrl);
  if (options.baseUrl !== undefined && !(baseUrl && /^https?:\/\/[^\s]+$/.test(baseUrl)))
    problems.push('options.baseUrl must be an http(s) URL (GitHub Enterprise: https://<host>/api/v3)');
  return problems;
}

/** What the sink does for one event, with a client made for it. */
async function deliverWith(
  clientDefaults: Partial<GitHubClientOptions>,
  event: NotifyEvent,
  ctx: SinkContext,
): Promise<DeliveryResult> {
  if (event.type !== 'task.succeeded' && event.type !== 'task.failed' && event.type !== 'build.finished')
    return { status: 'skipped', reason: `the github sink takes no ${event.type}` };
  const where = repoOf(event, ctx.options);
  if (where instanceof SinkError) throw where;
  if (!where)
    throw new SinkError(
      'GitHub: which repository? options.repo is not set and the event carries no GitHub remote URL',
      'config',
      false,
      'set "repo": "owner/name" in the github sink\'s options',
    );
  const { owner, repo } = where;
  const secondsLeft = ctx.deadline ? Math.floor((ctx.deadline - Date.now()) / 1000) - 1 : 60;
  const client = await createGitHubClient({
    ...clientDefaults,
    baseUrl: where.baseUrl,
    tokenEnv: text(ctx.options.tokenEnv) ?? DEFAULT_TOKEN_ENV,
    env: ctx.env,
    signal: ctx.signal,
    log: (line) => ctx.log(line),
    maxRateLimitWaitSec: Math.max(0, Math.min(60, secondsLeft)),
  });

  if (event.type === 'build.finished') {
    const d = event.data;
    const pr = await findBuildPullRequest(client, owner, repo, d.buildBranch);
    if (!pr)
      return { status: 'skipped', reason: `no pull request from ${d.buildBranch} in ${owner}/${repo}` };
    const body = renderFinishedComment(event.buildId, d, ctx.links);
    const done = await commentOnce(client, {
      owner,
      repo,
      issueNumber: pr.number,
      body,
      key: ctx.idempotencyKey,
      signal: ctx.signal,
    });
    return { status: 'delivered', detail: `comment on #${pr.number} (${done.action})`, url: done.url };
  }

  const d = event.data;
  const commit = event.type === 'task.succeeded' ? event.data.commit : undefined;
  const sha = commit ?? (await branchHead(client, owner, repo, buildBranchName(event.buildId)));
  const description =
    event.type === 'task.succeeded'
      ? `${d.title} · ${event.data.model} · $${d.costUsd}`
      : `${event.data.failureClass}: ${d.title} · ${event.data.message}`;
  await setCommitStatus(client, {
    owner,
    repo,
    sha,
    state: event.type === 'task.succeeded' ? 'success' : 'failure',
    context: `buildrunner/${d.taskId}`,
    description,
    ...(ctx.links.webUi ? { targetUrl: ctx.links.webUi } : {}),
  });
  return { status: 'delivered', detail: `status buildrunner/${d.taskId} on ${sha.slice(0, 12)}` };
}

/** The sink; tests pass client settings (no write spacing, short retry backoff). */
export function createGithubSink(clientDefaults: Partial<GitHubClientOptions> = {}): SinkDefinition {
  return {
    name: 'github',
    description:
      'A commit status per task on the build branch, and a comment on the build pull request when the build finishes',
    events: ['task.succeeded', 'task.failed', 'build.finished'],
    env: [
      {
        name: DEFAULT_TOKEN_ENV,
        required: true,
        description:
          'a token with "Commit statuses: write" and "Pull requests: write" (options.tokenEnv names another variable)',
      },
    ],
    // GitHub asks for a second between writes, process-wide: room for a queue of statuses.
    timeoutMs: 30_000,
    idempotent: true,
    check,
    deliver: (event, ctx) => deliverWith(clientDefaults, event, ctx),
  };
}

export const githubSink = createGithubSink();

export const githubPlugin = definePlugin({ name: 'github', apiVersion: 1, sinks: [githubSink] });
