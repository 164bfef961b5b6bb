import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { createDeliveryActivities } from '../../../activities/delivery';
import { pullRequestMarker } from '../../../activities/github/pull-request';
import type { DeliverBuildInput } from '../../../lib/contracts';
import { FailureClass } from '../../../lib/failures';
import { createPersistenceActivities } from '../../../activities/persistence';
import { createTestDatabase } from '../../helpers/db';
import { failureOf } from '../../helpers/failure';
import { startGitHubServer, type GitHubServer } from '../../fixtures/github-server';
import { useTempRepo } from '../../fixtures/repo';

const repo = useTempRepo();
const TOKEN = 'ghp_deliveryTOKEN1234567890abcdef';
const BUILD = 'br/build-demo';
let gh: GitHubServer;

beforeEach(async () => {
  gh = await startGitHubServer({
    token: TOKEN,
    repos: { 'acme/shop': { branches: { main: 'a'.repeat(40), [BUILD]: 'b'.repeat(40) } } },
  });
});
afterEach(() => gh.close());

/** A bare "origin" (GitHub's git side) and the build branch with one commit; the checkout back on main. */
function setup() {
  const remoteDir = path.join(path.dirname(repo.dir), 'origin.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remoteDir]);
  repo.git('remote', 'add', 'origin', remoteDir);
  repo.git('push', '-q', 'origin', 'main');
  repo.git('switch', '-q', '-c', BUILD);
  repo.write('src/new.txt', 'from the build\n');
  const tip = repo.commitAll('task work');
  repo.git('switch', '-q', 'main');
  const remote = (...args: string[]) =>
    execFileSync('git', args, { cwd: remoteDir, encoding: 'utf8', stdio: 'pipe' }).trim();
  return { tip, remote, url: pathToFileURL(remoteDir).href };
}

function input(extra: Partial<DeliverBuildInput> = {}): DeliverBuildInput {
  return {
    mode: 'pull-request',
    buildId: 'build-demo',
    repoPath: repo.dir,
    baseBranch: 'main',
    buildBranch: BUILD,
    github: { repo: 'acme/shop', baseUrl: gh.url },
    summary: {
      buildId: 'build-demo',
      project: 'shop',
      outcome: 'SUCCEEDED',
      baseBranch: 'main',
      buildBranch: BUILD,
      spentUsd: '0.42',
      budgetUsd: '20',
      tasks: [
        {
          id: 'cart',
          title: 'Shopping cart',
          state: 'SUCCEEDED',
          model: 'claude-haiku-5-5',
          costUsd: '0.42',
          attempts: 1,
        },
      ],
    },
    ...extra,
  };
}

const deliver = (i: DeliverBuildInput, env: NodeJS.ProcessEnv = { GITHUB_TOKEN: TOKEN }) =>
  createDeliveryActivities({
    cacheDir: path.join(path.dirname(repo.dir), 'cache'),
    env,
    github: { spaceWrites: false, retryBaseMs: 5 },
  }).deliverBuild(i);

const pullsPath = /^\/repos\/acme\/shop\/pulls$/;

describe('delivery by pull request', () => {
  it('pushes the build branch to origin and opens one pull request with the summary; a retry opens no second', async () => {
    const { tip, remote } = setup();
    const first = await deliver(input());
    expect(first).toEqual({
      how: 'pull-request',
      commit: tip,
      where: 'github',
      pullRequest: { number: 1, url: expect.stringContaining('/pull/1'), action: 'created' },
    });
    expect(remote('rev-parse', BUILD)).toBe(tip);
    const pr = gh.repos.get('acme/shop')!.pulls[0]!;
    expect(pr).toMatchObject({ head: BUILD, base: 'main', title: 'BuildRunner: shop (build-demo)' });
    expect(pr.body).toContain('Shopping cart');
    expect(pr.body).toContain('`br build status build-demo`');
    expect(pr.body).toContain(pullRequestMarker(BUILD));
    const again = await deliver(input());
    expect(again.pullRequest).toMatchObject({ number: 1, action: 'unchanged' });
    expect(gh.count('POST', pullsPath)).toBe(1);
    expect(gh.repos.get('acme/shop')!.pulls).toHaveLength(1);
  });

  it('puts the gap report in the body, read from the worker’s database and the build branch as the build’s record does', async () => {
    repo.write(
      'PROJECT_SPEC.md',
      '# Shop\n\n## Cart\n\n- [ ] Cart in `src/new.txt`\n  - R1: the cart keeps items\n  - R2: the cart shows a total\n',
    );
    repo.commitAll('spec');
    const { tip } = setup();
    const db = await createTestDatabase('pglite');
    try {
      const records = createPersistenceActivities({ db });
      await records.recordBuild({
        buildId: 'build-demo',
        project: 'shop',
        specPath: 'PROJECT_SPEC.md',
        specHash: 'x',
        repoPath: repo.dir,
        baseBranch: 'main',
        buildBranch: BUILD,
        status: 'RUNNING',
        budgetUsd: '20',
        costUsd: '0.42',
        parallel: 1,
        taskCount: 1,
        startedAt: Date.UTC(2026, 11, 1),
      });
      await records.recordTask({
        buildId: 'build-demo',
        taskId: 'cart',
        title: 'Cart',
        status: 'SUCCEEDED',
        attempts: 1,
        costUsd: '0.42',
        dependsOn: [],
        files: ['src/new.txt'],
        requirementIds: ['R1'],
        mergeCommit: tip,
      });
      await createDeliveryActivities({
        cacheDir: path.join(path.dirname(repo.dir), 'cache'),
        env: { GITHUB_TOKEN: TOKEN },
        github: { spaceWrites: false, retryBaseMs: 5 },
        db,
      }).deliverBuild(input());
    } finally {
      await db.close();
    }
    const body = gh.repos.get('acme/shop')!.pulls[0]!.body ?? '';
    expect(body).toContain('### Gap report');
    expect(body).toContain('Gaps: 3 high, 0 medium, 0 low (high: R1, cart.c1, R2).');
    expect(body).toContain('- **high** `requirement-untested` Requirement R1 has its tasks done (cart)');
    expect(body).toContain('- **high** `requirement-without-task` Requirement R2 ');
    expect(body.indexOf('### Gap report')).toBeLessThan(body.indexOf('Details:'));
  });

  it('a remote build opens it from the build branch its remote holds, touching no local checkout', async () => {
    const { tip, url } = setup();
    repo.git('push', '-q', 'origin', BUILD);
    repo.git('branch', '-q', '-D', BUILD);
    const result = await deliver(input({ repoUrl: url }));
    expect(result).toMatchObject({ how: 'pull-request', commit: tip, pullRequest: { action: 'created' } });
  });

  it('a token without write permission: DELIVERY_REFUSED with the hint, the token in no message', async () => {
    await gh.close();
    gh = await startGitHubServer({
      token: TOKEN,
      permission: 'read',
      repos: { 'acme/shop': { branches: { main: 'a'.repeat(40), [BUILD]: 'b'.repeat(40) } } },
    });
    setup();
    const f = await failureOf(deliver(input()));
    expect(f.type).toBe(FailureClass.DELIVERY_REFUSED);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(/403/);
    expect(f.message).not.toContain(TOKEN);
    expect(gh.repos.get('acme/shop')!.pulls).toHaveLength(0);
  });

  it('no token in the environment: DELIVERY_REFUSED naming the variable, nothing sent', async () => {
    setup();
    const f = await failureOf(deliver(input(), {}));
    expect(f.type).toBe(FailureClass.DELIVERY_REFUSED);
    expect(f.message).toContain('GITHUB_TOKEN');
    expect(gh.requests).toHaveLength(0);
  });

  it('GitHub failing with 5xx past the client’s retries: a plain error, so Temporal retries the activity', async () => {
    setup();
    gh.fault({ method: 'GET', path: pullsPath, status: 503, times: 20 });
    const err = await deliver(input()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect(gh.repos.get('acme/shop')!.pulls).toHaveLength(0);
  });

  it('no GitHub repository to name: DELIVERY_REFUSED saying to set delivery.github.repo', async () => {
    setup();
    const f = await failureOf(deliver(input({ github: { baseUrl: gh.url } })));
    expect(f.type).toBe(FailureClass.DELIVERY_REFUSED);
    expect(f.message).toContain('Set delivery.github.repo');
  });

  it('a remote URL on a host other than github.com, with no delivery.github.baseUrl: refused, the token sent nowhere', async () => {
    const { url } = setup();
    // The checkout's origin names another host (pushed to a local bare repository through its pushurl).
    repo.git('remote', 'set-url', 'origin', 'https://github.attacker.invalid/acme/shop.git');
    repo.git('remote', 'set-url', '--push', 'origin', url);
    const f = await failureOf(deliver(input({ github: undefined })));
    expect(f.type).toBe(FailureClass.DELIVERY_REFUSED);
    expect(f.message).toContain('github.attacker.invalid, which is not github.com');
    expect(f.message).toContain('delivery.github.baseUrl');
    expect(f.message).not.toContain(TOKEN);
  });

  it("pushes only the build branch: the user's unpushed tags stay theirs, push.followTags or not", async () => {
    const { remote } = setup();
    repo.git('tag', '-a', 'private-v1', '-m', 'not for origin', 'main');
    repo.git('config', 'push.followTags', 'true');
    await deliver(input());
    expect(remote('for-each-ref', '--format=%(refname)')).toBe(`refs/heads/${BUILD}\nrefs/heads/main`);
  });
});
