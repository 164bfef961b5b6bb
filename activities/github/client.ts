/**
 * The one way BuildRunner talks to GitHub: `@octokit/rest` with `@octokit/plugin-throttling`
 * (waits out primary and secondary rate limits, honouring Retry-After and x-ratelimit-reset, and
 * spaces writes as GitHub asks) and `@octokit/plugin-retry` (retries 5xx and network errors).
 *
 * The token comes from the environment only (`GITHUB_TOKEN`, or the variable named by `tokenEnv`),
 * never from options, so it cannot reach a workflow argument; it is masked in every log line, and
 * errors are rebuilt by `gitHubError` from the status and GitHub's message, never from the request.
 */
import type { Octokit } from '@octokit/rest';
import { SinkError } from '../../lib/notify/plugin';
import { gitHubError } from './errors';

export type GitHub = Octokit;

export const DEFAULT_TOKEN_ENV = 'GITHUB_TOKEN';
export const GITHUB_API = 'https://api.github.com';

export interface GitHubClientOptions {
  /** REST root: api.github.com by default; `https://<host>/api/v3` for GitHub Enterprise Server. */
  baseUrl?: string;
  /** The environment variable holding the token (default GITHUB_TOKEN). */
  tokenEnv?: string;
  /** Where the variable is read (SinkContext.env: the environment and the secrets file). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Aborts requests in flight, and stops waiting for a rate limit. */
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** A Retry-After or rate-limit reset longer than this is not waited out here (default 60 s). */
  maxRateLimitWaitSec?: number;
  /** Retries of a 5xx or network error (default 3), after 1, 4, 9 × retryBaseMs. */
  retries?: number;
  retryBaseMs?: number;
  /**
   * GitHub asks for a second between writes and more between writes that notify people; the
   * throttling plugin enforces that process-wide. Tests against a loopback server turn it off.
   */
  spaceWrites?: boolean;
}

export interface GitHubClient {
  octokit: GitHub;
  /** The variable the token came from, for hints. */
  tokenEnv: string;
  /** A failure of `what` (e.g. "create the pull request") as a typed SinkError, token masked. */
  fail(err: unknown, what: string): SinkError;
  mask(text: string): string;
}

type OctokitModule = typeof import('@octokit/rest');
type ThrottlingModule = typeof import('@octokit/plugin-throttling');
type RetryModule = typeof import('@octokit/plugin-retry');

/**
 * Octokit 22 and its plugins are ES modules only, and this package is CommonJS. Node 20.19 and
 * later load them with require(). The real require comes from node:module: jest's registry cannot
 * load ES modules untransformed, and a dynamic import() made from a module that several test files
 * load in one jest worker can land in an earlier file's torn-down environment (jestjs/jest#10944;
 * it failed a clean-clone CI run that way).
 */
const requireEsm = process.getBuiltinModule('node:module').createRequire(__filename);

let octokitClass: Promise<OctokitModule['Octokit']> | undefined;

function loadOctokit(): Promise<OctokitModule['Octokit']> {
  octokitClass ??= new Promise<OctokitModule['Octokit']>((resolve) => {
    const { Octokit: Base } = requireEsm('@octokit/rest') as OctokitModule;
    const { throttling } = requireEsm('@octokit/plugin-throttling') as ThrottlingModule;
    const { retry } = requireEsm('@octokit/plugin-retry') as RetryModule;
    resolve(Base.plugin(throttling, retry));
  }).catch((err: unknown) => {
    octokitClass = undefined;
    throw err;
  });
  return octokitClass;
}

/**
 * A stand-in for the plugin's Bottleneck groups that runs each job at once (spaceWrites: false).
 * The plugin calls only `key(id).schedule(options, job)`; `never` because Bottleneck's type is wider.
 */
const unspaced = { key: () => ({ schedule: <T>(_opts: unknown, job: () => T) => job() }) } as never;

export function readToken(env: Readonly<Record<string, string | undefined>>, tokenEnv: string): string {
  const token = env[tokenEnv]?.trim();
  if (!token)
    throw new SinkError(
      `no GitHub token: ${tokenEnv} is not set in the worker's environment or secrets file`,
      'config',
      false,
      `set ${tokenEnv} to a token that may write commit statuses and pull requests`,
    );
  return token;
}

export async function createGitHubClient(options: GitHubClientOptions = {}): Promise<GitHubClient> {
  const tokenEnv = options.tokenEnv ?? DEFAULT_TOKEN_ENV;
  const token = readToken(options.env ?? process.env, tokenEnv);
  const mask = (text: string) => text.split(token).join('***');
  const log = (message: string) => options.log?.(mask(message));
  const maxWait = options.maxRateLimitWaitSec ?? 60;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const wait = retryAfter <= maxWait && retryCount < 3 && !options.signal?.aborted;
      log(
        `GitHub ${kind} on ${request.method} ${request.url}: ` +
          (wait ? `retrying in ${retryAfter} s` : `not waiting ${retryAfter} s here`),
      );
      return wait;
    };
  const Octokit = await loadOctokit();
  const octokit = new Octokit({
    auth: token,
    baseUrl: (options.baseUrl ?? GITHUB_API).replace(/\/+$/, ''),
    userAgent: 'buildrunner',
    request: { signal: options.signal },
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => log(message),
      error: (message: string) => log(message),
    },
    throttle: {
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      ...(options.spaceWrites === false ? { write: unspaced, notifications: unspaced } : {}),
    },
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
      // 429 and 403 rate limits belong to the throttling plugin, which honours Retry-After.
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
    },
  });
  return { octokit, tokenEnv, mask, fail: (err, what) => gitHubError(err, what, { tokenEnv, mask }) };
}
