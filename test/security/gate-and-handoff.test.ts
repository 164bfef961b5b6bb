import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createGitActivities, withRemoteWorktree } from '../../activities/git';
import { parseConfig } from '../../lib/config';
import type { RunAgentInput, RunAgentResult } from '../../lib/contracts';
import { gateSettings } from '../../lib/quality';
import { assertUntouched, errorText, longestStall, makeVictim, type Victim } from './attack-kit';

// The gate runs `br quality gate` from these sources in the real sandbox: slow on a loaded machine.
jest.setTimeout(240_000);

let v: Victim;
beforeEach(() => {
  v = makeVictim();
});
afterEach(() => v.restore());

/** Frees the worker if it does block on a FIFO matching `pattern`, so the test fails on the stall instead of hanging. */
function unblocker(pattern: string) {
  return spawn(
    'sh',
    [
      '-c',
      `for i in $(seq 1 600); do for f in ${pattern}; do [ -p "$f" ] && sleep 4 && echo null > "$f" && exit 0; done; sleep 0.2; done`,
    ],
    { stdio: 'ignore' },
  );
}

describe('the quality gate', () => {
  const saved = process.env.BR_FROM_SOURCE;
  beforeAll(() => {
    process.env.BR_FROM_SOURCE = '1';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.BR_FROM_SOURCE;
    else process.env.BR_FROM_SOURCE = saved;
  });

  it('does not freeze the worker when model code loaded by the gate turns its report into a FIFO', async () => {
    // The repository's ESLint config is the model's code, loaded by the gate inside the sandbox: it
    // finds the report path in its own argv and swaps the report for a FIFO as the gate exits.
    v.repo.write(
      'eslint.config.js',
      `const fs = require('fs'); const cp = require('child_process');
const out = process.argv[process.argv.indexOf('--output') + 1];
process.on('exit', () => { try { fs.rmSync(out, { force: true }); cp.execFileSync('mkfifo', [out]); } catch {} });
module.exports = [{ files: ['**/*.js'], rules: {} }];
`,
    );
    const base = v.repo.commitAll('lint config');
    v.repo.write('src/total.js', 'module.exports = 1;\n');
    v.repo.commitAll('change');
    const gate = gateSettings(parseConfig({ quality: { gate: { measure: ['lintErrors'] } } }).quality, '')!;
    const acts = createGitActivities({ config: parseConfig({}) });
    const before = v.snapshot();
    const unblock = unblocker(path.join(tmpdir(), 'br-gate-*', 'gate.json'));
    const { result, stallMs } = await longestStall(() =>
      acts.checkQualityGate({ worktreePath: v.repo.dir, baseCommit: base, taskId: 't1', gate }),
    );
    unblock.kill();
    expect(stallMs).toBeLessThan(2000);
    expect(errorText(result)).toMatch(/quality gate/i);
    assertUntouched(v, before, errorText(result));
  });
});

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
