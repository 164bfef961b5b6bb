import path from 'node:path';
import { installHooks } from '../../../services/git-hooks/install';
import { isolateGitConfig } from '../../fixtures/repo';
import { makeShop, TAG, type ShopFixture } from '../../fixtures/shop';
import { BR_BIN, gitIn, gitWithHooks } from '../../fixtures/hooks';

// Real repositories, a real `git push` through the installed hook, br from the sources: slow here.
jest.setTimeout(180_000);

const BRANCH = 'br/build-shop';

function withRemote(shop: ShopFixture, config: Record<string, unknown>): string {
  const { repo } = shop;
  const remote = path.join(path.dirname(repo.dir), 'remote.git');
  gitIn(repo, path.dirname(repo.dir), 'init', '-q', '--bare', remote);
  gitIn(repo, repo.dir, 'remote', 'add', 'origin', remote);
  repo.write('buildrunner.config.json', `${JSON.stringify(config)}\n`);
  repo.commitAll('config');
  installHooks(repo.dir, { brBin: BR_BIN });
  return remote;
}

const remoteHas = (shop: ShopFixture, remote: string) =>
  gitIn(shop.repo, shop.repo.dir, 'ls-remote', remote, `refs/heads/${BRANCH}`) !== '';

describe('the pre-push hook with hooks.blockPushOnHighGaps', () => {
  const shops: ShopFixture[] = [];
  const restores: (() => void)[] = [];
  const shop = (planted: boolean) => {
    const s = makeShop({ planted });
    shops.push(s);
    restores.push(isolateGitConfig(s.repo));
    return s;
  };
  afterAll(() => {
    for (const r of restores.reverse()) r();
    for (const s of shops) s.repo.cleanup();
  });

  // @req R15.11
  it('refuses a push while br gaps analyze finds a high gap, naming each, and lets it through when turned off', () => {
    const planted = shop(true);
    const remote = withRemote(planted, { hooks: { blockPushOnHighGaps: true } });

    const blocked = gitWithHooks(planted.repo, ['push', 'origin', BRANCH]);
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain(
      'Push blocked: `br gaps analyze` finds 4 high-severity gaps in PROJECT_SPEC.md:',
    );
    for (const gap of [
      'feature-complete-without-evidence accounts',
      'feature-complete-without-evidence cart',
      'requirement-test-failing R1.2',
      'requirement-test-failing search.e1',
    ])
      expect(blocked.output).toContain(`  ${gap}: `);
    // Medium and low findings never block.
    expect(blocked.output).not.toContain('test-unknown-requirement');
    expect(blocked.output).toContain(`\`${TAG} <id>\``);
    expect(blocked.output).toContain('git push --no-verify');
    expect(remoteHas(planted, remote)).toBe(false);

    planted.repo.write(
      'buildrunner.config.json',
      `${JSON.stringify({ hooks: { blockPushOnHighGaps: false } })}\n`,
    );
    planted.repo.commitAll('gap check off');
    const allowed = gitWithHooks(planted.repo, ['push', 'origin', BRANCH]);
    expect(allowed.code).toBe(0);
    expect(remoteHas(planted, remote)).toBe(true);
  });

  // @req R15.11
  it('lets the clean copy through', () => {
    const clean = shop(false);
    const remote = withRemote(clean, { hooks: { blockPushOnHighGaps: true } });
    const pushed = gitWithHooks(clean.repo, ['push', 'origin', BRANCH]);
    expect(pushed.output).not.toContain('Push blocked');
    expect(pushed.code).toBe(0);
    expect(remoteHas(clean, remote)).toBe(true);
  });

  it('refuses, saying what to set, when the spec it should check is missing', () => {
    const clean = shop(false);
    const remote = withRemote(clean, {
      hooks: { blockPushOnHighGaps: true },
      gaps: { defaultSpec: 'SPEC.md' },
    });
    const blocked = gitWithHooks(clean.repo, ['push', 'origin', BRANCH]);
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain('the spec SPEC.md (gaps.defaultSpec) is not in');
    expect(remoteHas(clean, remote)).toBe(false);
  });
});
