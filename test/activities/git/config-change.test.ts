import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createGitActivities } from '../../../activities/git';
import { parseConfig } from '../../../lib/config';
import { FailureClass } from '../../../lib/failures';
import { makeRepo, isolateGitConfig, type TempRepo } from '../../fixtures/repo';
import { failureOf } from '../../helpers/failure';

/**
 * buildrunner.config.json sets the hooks, the verification command and the sandbox limits a task's
 * change is judged by: the real commit step refuses a task's change to it, typed, and commits nothing.
 */
const activities = createGitActivities({ config: parseConfig({}) });
let repo: TempRepo;
let restore: () => void;
let worktree: string;

beforeEach(async () => {
  repo = makeRepo({
    files: {
      'src/a.txt': 'one\n',
      'buildrunner.config.json': { agent: { verifyCommand: 'npm test' } },
      'packages/web/buildrunner.config.json': { agent: { network: false } },
    },
  });
  restore = isolateGitConfig(repo);
  await activities.ensureBuildBranch({ repoPath: repo.dir, baseBranch: 'main', buildBranch: 'br/b1' });
  const wt = await activities.prepareWorktree({
    buildId: 'b1',
    taskId: 't1',
    attempt: 1,
    repoPath: repo.dir,
    buildBranch: 'br/b1',
  });
  worktree = wt.worktreePath;
});
afterEach(() => {
  restore();
  repo.cleanup();
});

const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(worktree, file)), { recursive: true });
  writeFileSync(path.join(worktree, file), text);
};
const commit = () =>
  activities.commitTask({ worktreePath: worktree, buildId: 'b1', taskId: 't1', model: 'm', message: 'T1' });
const head = () => repo.git('-C', worktree, 'rev-parse', 'HEAD');

describe("a task's change to the project configuration", () => {
  it.each([
    [
      'loosens the verification command',
      () => write('buildrunner.config.json', '{"agent":{"verifyCommand":"true"}}'),
      'buildrunner.config.json',
    ],
    ['deletes it', () => rmSync(path.join(worktree, 'buildrunner.config.json')), 'buildrunner.config.json'],
    [
      'edits the one in a subfolder',
      () => write('packages/web/buildrunner.config.json', '{"agent":{"network":true}}'),
      'packages/web/buildrunner.config.json',
    ],
    [
      'adds one where there was none',
      () => write('apps/api/buildrunner.config.json', '{"agent":{"sandbox":"off"}}'),
      'apps/api/buildrunner.config.json',
    ],
  ])('is refused when it %s, typed, naming the file, with nothing committed', async (_what, change, file) => {
    const before = head();
    write('src/a.txt', 'one\ntwo\n');
    change();
    const f = await failureOf(commit());
    expect(f.type).toBe(FailureClass.CONFIG_CHANGED_BY_TASK);
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toBe(
      `Task t1 changed ${file}; nothing was committed. A task may not change BuildRunner's configuration: ` +
        'change it yourself on the base branch if the project needs it.',
    );
    // What the repair attempt reads: how to undo it.
    expect(f.details[0].output).toContain(`git checkout HEAD -- ${file}`);
    expect(head()).toBe(before);
  });

  it('commits the same task once the configuration is restored', async () => {
    write('src/a.txt', 'one\ntwo\n');
    write('buildrunner.config.json', '{"agent":{"verifyCommand":"true"}}');
    await failureOf(commit());
    repo.git('-C', worktree, 'checkout', 'HEAD', '--', 'buildrunner.config.json');
    const { commit: sha } = await commit();
    expect(sha).toBe(head());
    expect(repo.git('-C', worktree, 'show', '--name-only', '--format=', 'HEAD')).toBe('src/a.txt');
  });

  it('lets a file that only mentions the name in its own name through', async () => {
    write('docs/buildrunner.config.json.md', 'how to configure\n');
    const { commit: sha } = await commit();
    expect(sha).toBe(head());
  });
});
