import { createGitHubClient } from '../../../activities/github/client';
import {
  pullRequestMarker,
  upsertPullRequest,
  type UpsertPullRequestOptions,
} from '../../../activities/github/pull-request';
import { SinkError } from '../../../lib/notify/plugin';
import { startGitHubServer, type GitHubServer } from '../../fixtures/github-server';

const TOKEN = 'ghp_secretTOKEN1234567890abcdef';
const HEAD = 'c0ffee0000000000000000000000000000000001';
let gh: GitHubServer;
let logs: string[];

beforeEach(async () => {
  gh = await startGitHubServer({
    token: TOKEN,
    repos: { 'acme/shop': { branches: { main: 'a'.repeat(40), 'br/build-1': HEAD } } },
  });
  logs = [];
});
afterEach(() => gh.close());

const pulls = /^\/repos\/acme\/shop\/pulls$/;

function opts(extra: Partial<UpsertPullRequestOptions> = {}): UpsertPullRequestOptions {
  return {
    owner: 'acme',
    repo: 'shop',
    head: 'br/build-1',
    base: 'main',
    title: 'BuildRunner: shop',
    body: 'first summary',
    marker: 'br/build-1',
    baseUrl: gh.url,
    env: { GITHUB_TOKEN: TOKEN },
    spaceWrites: false,
    retryBaseMs: 5,
    log: (m) => logs.push(m),
    ...extra,
  };
}

async function failure(p: Promise<unknown>): Promise<SinkError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SinkError);
  return err as SinkError;
}

describe('upsertPullRequest', () => {
  it('creates the pull request with the hidden marker, then updates the same one after a continue', async () => {
    const first = await upsertPullRequest(opts());
    expect(first).toMatchObject({ number: 1, action: 'created' });
    const pr = gh.repos.get('acme/shop')!.pulls[0]!;
    expect(pr.body).toContain('first summary');
    expect(pr.body).toContain(pullRequestMarker('br/build-1'));

    const again = await upsertPullRequest(
      opts({ body: 'after continue: 5 tasks', title: 'BuildRunner: shop (2)' }),
    );
    expect(again).toMatchObject({ number: 1, action: 'updated' });
    expect(gh.repos.get('acme/shop')!.pulls).toHaveLength(1);
    expect(pr.title).toBe('BuildRunner: shop (2)');
    expect(pr.body).toContain('after continue: 5 tasks');
    expect(gh.count('POST', pulls)).toBe(1);
    expect(gh.count('PATCH', /\/pulls\/1$/)).toBe(1);
  });

  it('makes one pull request when the process died after the create and the call is repeated', async () => {
    gh.fault({ method: 'POST', path: pulls, hangUp: true });
    const err = await failure(upsertPullRequest(opts({ retries: 0 })));
    expect(err.kind).toBe('unavailable');
    expect(err.retryable).toBe(true);
    expect(gh.repos.get('acme/shop')!.pulls).toHaveLength(1);

    const again = await upsertPullRequest(opts());
    expect(again).toMatchObject({ number: 1, action: 'unchanged' });
    expect(gh.repos.get('acme/shop')!.pulls).toHaveLength(1);
    expect(gh.count('POST', pulls)).toBe(1);
  });

  it('finds the pull request when the retry plugin repeats a create whose answer was lost (422 already exists)', async () => {
    gh.fault({ method: 'POST', path: pulls, hangUp: true });
    const result = await upsertPullRequest(opts());
    expect(result).toMatchObject({ number: 1, action: 'unchanged' });
    expect(gh.count('POST', pulls)).toBe(2);
    expect(gh.repos.get('acme/shop')!.pulls).toHaveLength(1);
  });

  it('adopts an open pull request a person opened from the build branch instead of failing', async () => {
    gh.repos.get('acme/shop')!.pulls.push({
      number: 7,
      title: 'by hand',
      body: 'opened by hand',
      head: 'br/build-1',
      base: 'main',
      state: 'open',
      merged: false,
    });
    expect(await upsertPullRequest(opts())).toMatchObject({ number: 7, action: 'updated' });
    expect(gh.count('POST', pulls)).toBe(0);
  });

  it('reopens its own closed pull request, and opens a new one after its pull request was merged', async () => {
    await upsertPullRequest(opts());
    const repo = gh.repos.get('acme/shop')!;
    repo.pulls[0]!.state = 'closed';
    expect(await upsertPullRequest(opts())).toMatchObject({ number: 1, action: 'reopened' });
    expect(repo.pulls[0]!.state).toBe('open');
    repo.pulls[0]!.state = 'closed';
    repo.pulls[0]!.merged = true;
    expect(await upsertPullRequest(opts({ body: 'second round' }))).toMatchObject({
      number: 2,
      action: 'created',
    });
  });

  it('pages through the pull requests of the head branch (Link headers) to find its marker', async () => {
    const repo = gh.repos.get('acme/shop')!;
    for (let n = 1; n <= 130; n++)
      repo.pulls.push({
        number: n,
        title: 'old',
        body: 'x',
        head: 'br/build-1',
        base: 'main',
        state: 'closed',
        merged: true,
      });
    repo.pulls.push({
      number: 131,
      title: 'ours',
      body: `s\n\n${pullRequestMarker('br/build-1')}`,
      head: 'br/build-1',
      base: 'main',
      state: 'closed',
      merged: false,
    });
    expect(await upsertPullRequest(opts())).toMatchObject({ number: 131, action: 'reopened' });
    expect(gh.count('GET', pulls)).toBe(2);
  });

  it('bounds the body to GitHub limit and keeps the marker', async () => {
    await upsertPullRequest(opts({ body: 'x'.repeat(100_000) }));
    const body = gh.repos.get('acme/shop')!.pulls[0]!.body!;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.endsWith(pullRequestMarker('br/build-1'))).toBe(true);
  });

  it('retries a 502 and then succeeds', async () => {
    gh.fault({ method: 'GET', path: pulls, status: 502, times: 2 });
    expect(await upsertPullRequest(opts())).toMatchObject({ action: 'created' });
    expect(gh.count('GET', pulls)).toBe(3);
  });

  it('honours Retry-After on a secondary rate limit (429), then succeeds', async () => {
    gh.fault({ method: 'POST', path: pulls, status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    expect(await upsertPullRequest(opts())).toMatchObject({ action: 'created' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(gh.count('POST', pulls)).toBe(2);
    expect(logs.join('\n')).toMatch(/secondary rate limit on POST .*retrying in 1 s/);
  });

  it('waits for the reset of an exhausted primary rate limit (403, x-ratelimit-remaining: 0), then succeeds', async () => {
    const reset = String(Math.floor(Date.now() / 1000));
    gh.fault({
      method: 'GET',
      path: pulls,
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      body: {
        message: 'API rate limit exceeded for user ID 1.',
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    expect(await upsertPullRequest(opts())).toMatchObject({ action: 'created' });
    expect(gh.count('GET', pulls)).toBe(2);
    expect(logs.join('\n')).toMatch(/GitHub rate limit on GET .*retrying in \d s/);
  });

  it('gives up on a Retry-After longer than it may wait, as a retryable rate-limited error', async () => {
    gh.fault({ method: 'POST', path: pulls, status: 429, headers: { 'retry-after': '120' } });
    const err = await failure(upsertPullRequest(opts({ maxRateLimitWaitSec: 5 })));
    expect(err).toMatchObject({ kind: 'rate-limited', retryable: true });
    expect(err.hint).toContain('retry after 120 s');
  });

  it('turns a 403 into a non-retryable permission error whose hint names the scopes', async () => {
    await gh.close();
    gh = await startGitHubServer({
      token: TOKEN,
      permission: 'read',
      repos: { 'acme/shop': { branches: { main: 'a'.repeat(40), 'br/build-1': HEAD } } },
    });
    const err = await failure(upsertPullRequest(opts()));
    expect(err).toMatchObject({ kind: 'permission', retryable: false });
    expect(err.message).toContain('403 Resource not accessible by personal access token');
    expect(err.hint).toMatch(/Pull requests: write/);
    expect(err.hint).toMatch(/Commit statuses: write/);
  });

  it('says bad credentials on 401, repository not found on 404, and never shows the token', async () => {
    const bad = await failure(upsertPullRequest(opts({ env: { GH_BOT: `${TOKEN}x` }, tokenEnv: 'GH_BOT' })));
    expect(bad).toMatchObject({ kind: 'permission', retryable: false });
    expect(bad.message).toContain('401 Bad credentials');
    expect(bad.hint).toContain('GH_BOT');
    const missing = await failure(upsertPullRequest(opts({ repo: 'nope' })));
    expect(missing).toMatchObject({ kind: 'config', retryable: false });
    expect(missing.message).toContain('404 Not Found');
    for (const e of [bad, missing]) expect(`${e.message} ${e.hint} ${e.stack}`).not.toContain(TOKEN);
  });

  it('refuses a missing token before any request', async () => {
    const err = await failure(upsertPullRequest(opts({ env: {} })));
    expect(err).toMatchObject({ kind: 'config', retryable: false });
    expect(err.message).toContain('GITHUB_TOKEN');
    expect(gh.requests).toHaveLength(0);
  });

  it('a 422 other than an existing pull request is a rejection with GitHub detail', async () => {
    const err = await failure(upsertPullRequest(opts({ base: 'no-such-base' })));
    expect(err).toMatchObject({ kind: 'rejected', retryable: false });
    expect(err.message).toContain('Validation Failed: base no-such-base is not a branch');
  });

  it('sends the token only in the authorization header, and never logs it', async () => {
    gh.fault({ method: 'POST', path: pulls, status: 429, headers: { 'retry-after': '1' } });
    const client = await createGitHubClient({
      baseUrl: gh.url,
      env: { GITHUB_TOKEN: TOKEN },
      spaceWrites: false,
      log: (m) => logs.push(m),
    });
    client.octokit.log.warn(`a warning that quotes ${TOKEN}`);
    await upsertPullRequest({ ...opts(), client });
    expect(gh.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    expect(logs.length).toBeGreaterThan(1);
    expect(logs.join('\n')).not.toContain(TOKEN);
  });
});
