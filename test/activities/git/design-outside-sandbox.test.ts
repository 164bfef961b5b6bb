import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGitActivities } from '../../../activities/git';
import { WORKTREES_DIR } from '../../../activities/git/worktrees';
import { parseConfig } from '../../../lib/config';
import { assertUntouched, errorText, longestStall, makeVictim, type Victim } from '../../fixtures/attack-kit';

/**
 * The design step commits its files on the build branch in the build branch's own worktree, outside the
 * sandbox. That worktree is where the pre-merge-commit hook ran the model's code in the sandbox, and the
 * build branch holds what earlier tasks committed: a nested repository there must not be looked into.
 */
const activities = createGitActivities({ config: parseConfig({}) });
let v: Victim;
beforeEach(() => {
  v = makeVictim();
});
afterEach(() => v.restore());

const design = (pattern: string) => ({ profile: 'healthcare', pattern, outDir: 'design' });

it('never runs a filter driver of a nested repository left in the design folder of the build branch', async () => {
  await activities.ensureBuildBranch({
    repoPath: v.repo.dir,
    baseBranch: 'main',
    buildBranch: 'br/b1',
    buildId: 'b1',
    design: design('dashboard'),
  });
  const merge = path.join(v.repo.dir, WORKTREES_DIR, 'b1', '.merge');
  // An earlier task committed design/vendor as a nested repository (a gitlink on the build branch), and
  // model code run in this worktree by a sandboxed hook gave it a filter driver and a same-size edit.
  const vendor = path.join(merge, 'design', 'vendor');
  mkdirSync(vendor, { recursive: true });
  const g = (cwd: string, ...a: string[]) =>
    execFileSync('git', ['-c', 'core.hooksPath=/dev/null', ...a], { cwd, env: v.repo.env, stdio: 'pipe' });
  g(vendor, 'init', '-q');
  writeFileSync(path.join(vendor, 'lib.txt'), 'x\n');
  writeFileSync(path.join(vendor, '.gitattributes'), '* filter=evil\n');
  g(vendor, 'add', '.');
  g(vendor, '-c', 'user.name=m', '-c', 'user.email=m@m', 'commit', '-q', '-m', 'vendor');
  g(merge, 'add', '--', 'design/vendor');
  g(merge, '-c', 'user.name=m', '-c', 'user.email=m@m', 'commit', '-q', '-m', 'an earlier task');
  const filter = path.join(vendor, 'filter.sh');
  writeFileSync(filter, `#!/bin/sh\n${v.mark('nested filter')}\ncat\n`);
  chmodSync(filter, 0o755);
  g(vendor, 'config', 'filter.evil.clean', filter);
  writeFileSync(path.join(vendor, 'lib.txt'), 'y\n');

  const before = v.snapshot();
  const { result, stallMs } = await longestStall(() =>
    activities.ensureBuildBranch({
      repoPath: v.repo.dir,
      baseBranch: 'main',
      buildBranch: 'br/b1',
      buildId: 'b2',
      design: design('marketplace'),
    }),
  );
  assertUntouched(v, before, errorText(result));
  expect(result).not.toBeInstanceOf(Error);
  expect(stallMs).toBeLessThan(2000);
  // The design files were committed all the same.
  expect(g(v.repo.dir, 'log', '-1', '--format=%s', 'br/b1').toString()).toMatch(/marketplace/);
});
