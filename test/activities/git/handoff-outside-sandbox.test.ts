import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createGitActivities, withRemoteWorktree } from '../../../activities/git';
import { parseConfig } from '../../../lib/config';
import type { RunAgentInput, RunAgentResult } from '../../../lib/contracts';
import { assertUntouched, errorText, longestStall, makeVictim, type Victim } from '../../fixtures/attack-kit';

// Real git, a bare remote, and the real sandbox: slow on a loaded machine.
jest.setTimeout(240_000);

let v: Victim;
beforeEach(() => {
  v = makeVictim();
});
afterEach(() => v.restore());

describe('the hand-off of a remote build', () => {
  it('never runs the fsmonitor or hooks of a nested repository the agent left in its worktree', async () => {
    const base = path.dirname(v.repo.dir);
    const remoteDir = path.join(base, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remoteDir], { env: v.repo.env });
    v.repo.git('push', '-q', remoteDir, 'main');
    const url = pathToFileURL(remoteDir).href;
    const cacheDir = path.join(base, 'cache');
    const acts = createGitActivities({ config: parseConfig({}), cacheDir });
    await acts.ensureBuildBranch({
      repoPath: '/nonexistent',
      baseBranch: 'main',
      buildBranch: 'br/b1',
      repoUrl: url,
    });
    const prepared = await acts.prepareWorktree({
      buildId: 'b1',
      taskId: 't1',
      attempt: 1,
      repoPath: '/nonexistent',
      buildBranch: 'br/b1',
      repoUrl: url,
    });
    const remote = { url, branch: prepared.branch, buildId: 'b1', taskId: 't1' };
    const vendor = path.join(prepared.worktreePath, 'vendor');
    const g = (...a: string[]) => execFileSync('git', a, { cwd: vendor, env: v.repo.env, stdio: 'pipe' });
    // The first attempt leaves a nested repository, committed as a gitlink; the repair attempt changes it.
    const first = async (input: RunAgentInput): Promise<RunAgentResult> => {
      mkdirSync(vendor);
      g('init', '-q');
      // Same-size edits: git cannot tell them by size, so a look inside would run the clean filter.
      writeFileSync(path.join(vendor, 'lib.txt'), 'x\n');
      g('add', '.');
      g('-c', 'user.name=m', '-c', 'user.email=m@m', 'commit', '-q', '-m', 'vendor');
      const monitor = path.join(vendor, 'monitor.sh');
      writeFileSync(monitor, `#!/bin/sh\n${v.mark('nested fsmonitor in hand-off')}\n`);
      chmodSync(monitor, 0o755);
      g('config', 'core.fsmonitor', monitor);
      g('config', 'core.hooksPath', vendor);
      writeFileSync(path.join(input.worktreePath, 'src', 'new.txt'), 'new\n');
      return { outcome: 'finished', summary: 'done' } as unknown as RunAgentResult;
    };
    const repair = async (input: RunAgentInput): Promise<RunAgentResult> => {
      writeFileSync(path.join(vendor, 'lib.txt'), 'y\n');
      writeFileSync(path.join(input.worktreePath, 'src', 'new.txt'), 'newer\n');
      return { outcome: 'finished', summary: 'done' } as unknown as RunAgentResult;
    };
    const agentInput = {
      buildId: 'b1',
      taskId: 't1',
      attempt: 1,
      model: 'fake',
      worktreePath: prepared.worktreePath,
      baseCommit: prepared.baseCommit,
      task: { id: 't1' } as RunAgentInput['task'],
      budgetUsd: '1',
      remote,
    } as unknown as RunAgentInput;
    const before = v.snapshot();
    const { result, stallMs } = await longestStall(async () => {
      await withRemoteWorktree(first, cacheDir)(agentInput);
      await acts.commitTask({
        worktreePath: prepared.worktreePath,
        buildId: 'b1',
        taskId: 't1',
        model: 'fake',
        message: 'Task t1',
        remote,
      });
      await withRemoteWorktree(repair, cacheDir)(agentInput);
      return acts.commitTask({
        worktreePath: prepared.worktreePath,
        buildId: 'b1',
        taskId: 't1',
        model: 'fake',
        message: 'Task t1 repaired',
        remote,
      });
    });
    assertUntouched(v, before, errorText(result));
    expect(result).not.toBeInstanceOf(Error);
    expect(stallMs).toBeLessThan(2000);
  });
});
