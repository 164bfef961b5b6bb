import { upsertPullRequest } from '../../../activities/github/pull-request';
import { deliverNotification, type NotifyDeps } from '../../../activities/notify/deliver';
import { BUILTIN_PLUGINS } from '../../../activities/notify/builtin';
import { createGithubSink, githubSink, repoFromUrl } from '../../../activities/notify/sinks/github';
import { parseConfig } from '../../../lib/config';
import type { NotifyEvent } from '../../../lib/notify/events';
import { SinkError, type SinkContext } from '../../../lib/notify/plugin';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { startGitHubServer, type GitHubServer } from '../../fixtures/github-server';

const TOKEN = 'ghp_sinkTOKEN0123456789abcdefABCDEF';
const HEAD = 'b0a1000000000000000000000000000000000001';
const MERGED = 'b0a1000000000000000000000000000000000002';
const sink = createGithubSink({ spaceWrites: false, retryBaseMs: 5 });
const comments = /\/issues\/\d+\/comments$/;
let gh: GitHubServer;
let logs: string[];

beforeEach(async () => {
  gh = await startGitHubServer({
    token: TOKEN,
    repos: { 'acme/shop': { branches: { main: 'a'.repeat(40), 'br/build-1': HEAD }, commits: [MERGED] } },
  });
  logs = [];
});
afterEach(() => gh.close());

function ctx(over: Partial<SinkContext> = {}): SinkContext {
  return {
    idempotencyKey: 'build-1/build.finished/build/github',
    attempt: 1,
    signal: AbortSignal.timeout(20_000),
    deadline: Date.now() + 20_000,
    env: { GITHUB_TOKEN: TOKEN },
    options: { repo: 'acme/shop', baseUrl: gh.url },
    links: {
      status: 'br build status build-1',
      webUi: 'http://localhost:8233/namespaces/default/workflows/build-1',
    },
    log: (line) => logs.push(line),
    ...over,
  };
}

const base = { version: 1 as const, buildId: 'build-1', at: '2026-12-10T10:00:00.000Z' };
const succeeded = (taskId: string, commit?: string): NotifyEvent => ({
  ...base,
  id: `build-1/task.succeeded/${taskId}`,
  type: 'task.succeeded',
  data: {
    taskId,
    title: `Task ${taskId}`,
    model: 'claude-sonnet',
    costUsd: '0.40',
    ...(commit ? { commit } : {}),
  },
});
const failed = (taskId: string): NotifyEvent => ({
  ...base,
  id: `build-1/task.failed/${taskId}`,
  type: 'task.failed',
  data: {
    taskId,
    title: `Task ${taskId}`,
    failureClass: 'HOOK_REJECTED',
    message: 'lint failed',
    costUsd: '0.10',
  },
});
const finished: NotifyEvent = {
  ...base,
  id: 'build-1/build.finished/build',
  type: 'build.finished',
  data: {
    outcome: 'SUCCEEDED',
    message: 'all tasks merged',
    tasks: { total: 2, succeeded: 2, failed: 0, blocked: 0, cancelled: 0 },
    spentUsd: '0.80',
    durationMs: 90_000,
    baseBranch: 'main',
    buildBranch: 'br/build-1',
    headCommit: HEAD,
  },
};

async function openPullRequest() {
  await upsertPullRequest({
    owner: 'acme',
    repo: 'shop',
    head: 'br/build-1',
    base: 'main',
    title: 'BuildRunner: shop',
    body: 'summary',
    marker: 'br/build-1',
    baseUrl: gh.url,
    env: { GITHUB_TOKEN: TOKEN },
    spaceWrites: false,
  });
}

const fails = (p: Promise<unknown>) =>
  p.then(
    () => Promise.reject(new Error('resolved')),
    (e: SinkError) => e,
  );

describe('the github sink', () => {
  it('sets a commit status per task: success on the merged commit, failure on the build branch head', async () => {
    gh.fault({ method: 'POST', path: /\/statuses\//, status: 503 });
    expect(await sink.deliver(succeeded('t1', MERGED), ctx())).toMatchObject({ status: 'delivered' });
    expect(await sink.deliver(failed('t2'), ctx())).toMatchObject({ status: 'delivered' });
    const repo = gh.repos.get('acme/shop')!;
    expect(repo.statuses.get(MERGED)).toEqual([
      {
        state: 'success',
        context: 'buildrunner/t1',
        target_url: 'http://localhost:8233/namespaces/default/workflows/build-1',
        description: 'Task t1 · claude-sonnet · $0.40',
      },
    ]);
    expect(repo.statuses.get(HEAD)).toMatchObject([
      { state: 'failure', context: 'buildrunner/t2', description: 'HOOK_REJECTED: Task t2 · lint failed' },
    ]);
    expect(gh.count('GET', /\/git\/ref\/heads\/br\/build-1$/)).toBe(1);
    expect(gh.count('POST', /\/statuses\//)).toBe(3); // the 503 retried once
  });

  it('comments once on the build pull request when the build finishes, also when delivered again', async () => {
    await openPullRequest();
    const first = await sink.deliver(finished, ctx());
    expect(first).toMatchObject({ status: 'delivered', detail: 'comment on #1 (created)' });
    const again = await sink.deliver(finished, ctx({ attempt: 2 }));
    expect(again).toMatchObject({ status: 'delivered', detail: 'comment on #1 (existing)' });
    const list = gh.repos.get('acme/shop')!.comments.get(1)!;
    expect(list).toHaveLength(1);
    expect(list[0]!.body).toContain('finished: SUCCEEDED');
    expect(list[0]!.body).toContain('2/2 tasks succeeded');
  });

  it('finds the comment whose answer was lost instead of posting a second one', async () => {
    await openPullRequest();
    gh.fault({ method: 'POST', path: comments, hangUp: true });
    expect(await sink.deliver(finished, ctx())).toMatchObject({ detail: 'comment on #1 (existing)' });
    expect(gh.count('POST', comments)).toBe(1);
    expect(gh.repos.get('acme/shop')!.comments.get(1)).toHaveLength(1);
  });

  it('skips build.finished when the build branch has no pull request', async () => {
    expect(await sink.deliver(finished, ctx())).toEqual({
      status: 'skipped',
      reason: 'no pull request from br/build-1 in acme/shop',
    });
  });

  it('a token without write permission is a non-retryable permission error naming the scopes', async () => {
    await gh.close();
    gh = await startGitHubServer({
      token: TOKEN,
      permission: 'read',
      repos: { 'acme/shop': { branches: { 'br/build-1': HEAD } } },
    });
    const err = await fails(sink.deliver(failed('t1'), ctx()));
    expect(err).toBeInstanceOf(SinkError);
    expect(err).toMatchObject({ kind: 'permission', retryable: false });
    expect(err.hint).toMatch(/Commit statuses: write/);
    expect(`${err.message} ${err.hint} ${logs.join(' ')}`).not.toContain(TOKEN);
  });

  it('says when a commit is not on GitHub, and when no repository is configured', async () => {
    const missing = await fails(sink.deliver(succeeded('t1', 'f'.repeat(40)), ctx()));
    expect(missing).toMatchObject({ kind: 'rejected', retryable: false });
    expect(missing.hint).toMatch(/build branch pushed/);
    const none = await fails(sink.deliver(failed('t1'), ctx({ options: { baseUrl: gh.url } })));
    expect(none).toMatchObject({ kind: 'config', retryable: false });
    expect(none.hint).toContain('"repo": "owner/name"');
  });

  it('checks its options and environment without sending anything', () => {
    expect(githubSink.check!({ repo: 'acme/shop' }, { GITHUB_TOKEN: 'x' })).toEqual([]);
    expect(githubSink.check!({ repo: 'shop', tokenEnv: 'GH_BOT', baseUrl: 'ftp://x' }, {})).toEqual([
      'GH_BOT is not set: a token that may write commit statuses and pull requests',
      'options.repo "shop" is not "owner/name"',
      'options.baseUrl must be an http(s) URL (GitHub Enterprise: https://<host>/api/v3)',
    ]);
    expect(gh.requests).toHaveLength(0);
  });

  it('check says when no repository is set: only remote builds carry their remote, so the others would fail', async () => {
    expect(githubSink.check!({}, { GITHUB_TOKEN: 'x' })).toEqual([
      'options.repo is not set: only remote builds (--repo <github.com URL>) name their repository; for the others name it, "repo": "owner/name" (GitHub Enterprise: also "baseUrl")',
    ]);
    const none = await fails(sink.deliver(failed('t1'), ctx({ options: {} })));
    expect(none).toMatchObject({ kind: 'config', retryable: false });
  });

  it("works without options.repo when the event carries the build's github.com remote (a remote build)", async () => {
    await openPullRequest();
    const remote = 'https://github.com/acme/shop.git';
    const fail = failed('t1');
    const taskEvent = { ...fail, data: { ...fail.data, repoUrl: remote } } as NotifyEvent;
    const endEvent = { ...finished, data: { ...finished.data, repoUrl: remote } } as NotifyEvent;
    // baseUrl only points the github.com API at the loopback server; the repository comes from the event.
    const noRepo = ctx({ options: { baseUrl: gh.url } });
    expect(await sink.deliver(taskEvent, noRepo)).toMatchObject({ status: 'delivered' });
    expect(await sink.deliver(endEvent, noRepo)).toMatchObject({ status: 'delivered' });
    const repo = gh.repos.get('acme/shop')!;
    expect(repo.statuses.get(HEAD)).toMatchObject([{ state: 'failure', context: 'buildrunner/t1' }]);
    expect(repo.comments.get(1)).toHaveLength(1);
  });

  it('never sends the token to a host only a build remote names: a remote off github.com needs baseUrl in config', async () => {
    const fromRemote = (url: string) =>
      ({ ...failed('t1'), data: { ...failed('t1').data, repoUrl: url } }) as NotifyEvent;
    const err = await fails(sink.deliver(fromRemote('git@ghe.invalid:acme/shop.git'), ctx({ options: {} })));
    expect(err).toMatchObject({ kind: 'config', retryable: false });
    expect(err.message).toContain('remote is on ghe.invalid, which is not github.com');
    expect(err.hint).toContain('"baseUrl"');
  });

  it('reads the repository and API root from a remote URL', () => {
    expect(repoFromUrl('https://github.com/acme/shop.git')).toEqual({
      owner: 'acme',
      repo: 'shop',
      baseUrl: 'https://api.github.com',
    });
    expect(repoFromUrl('git@github.com:acme/shop.git')).toMatchObject({ owner: 'acme', repo: 'shop' });
    expect(repoFromUrl('ssh://git@ghe.corp.example:22/team/app')).toEqual({
      owner: 'team',
      repo: 'app',
      baseUrl: 'https://ghe.corp.example/api/v3',
    });
    expect(repoFromUrl('/srv/git/shop.git')).toBeUndefined();
  });

  it('is a built-in sink', () => {
    expect(BUILTIN_PLUGINS.flatMap((p) => p.sinks ?? []).map((s) => s.name)).toContain('github');
  });
});

describe('the github sink under the notifier ledger', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('pglite');
  });
  afterAll(() => db.close());

  it('makes one comment when the worker dies after the POST and the activity is retried', async () => {
    await openPullRequest();
    const deps: NotifyDeps = {
      db,
      root: '/nonexistent',
      config: parseConfig({
        notify: { sinks: [{ sink: 'github', options: { repo: 'acme/shop', baseUrl: gh.url } }] },
      }),
      env: { GITHUB_TOKEN: TOKEN },
      plugins: async () => ({ plugins: [], sinks: new Map([['github', { plugin: 'github', sink }]]) }),
      log: (line) => logs.push(line),
    };
    const input = {
      key: 'build-1/build.finished/build/github',
      sink: {
        id: 'github',
        sink: 'github',
        events: ['build.finished' as const],
        timeoutMs: 20_000,
        idempotent: true,
      },
      event: finished,
    };
    const died = new AbortController();
    gh.fault({
      method: 'POST',
      path: comments,
      hangUp: true,
      then: () => died.abort(new Error('worker killed')),
    });
    await expect(deliverNotification(deps, input, { attempt: 1, signal: died.signal })).rejects.toThrow();
    expect(gh.repos.get('acme/shop')!.comments.get(1)).toHaveLength(1);

    expect(await deliverNotification(deps, input, { attempt: 2 })).toMatchObject({ status: 'delivered' });
    expect(await deliverNotification(deps, input, { attempt: 3 })).toMatchObject({ status: 'duplicate' });
    expect(gh.repos.get('acme/shop')!.comments.get(1)).toHaveLength(1);
    expect(gh.count('POST', comments)).toBe(1);
    expect(logs.join('\n')).not.toContain(TOKEN);
  });
});
