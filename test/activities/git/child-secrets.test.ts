import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ApplicationFailure } from '@temporalio/common';
import { createGitActivities } from '../../../activities/git';
import { parseConfig } from '../../../lib/config';
import { FailureClass } from '../../../lib/failures';
import { runCommand } from '../../../activities/command';
import { useTempRepo } from '../../fixtures/repo';
import { failureOf } from '../../helpers/failure';

const KEY = `sk-ant-api03-${'Zq9'.repeat(12)}wxyz`;
// br-ignore-secret: a fake password, to check it never reaches model-written code
const DB_URL = 'postgresql://admin:hunter2@db.internal:5432/prod';
const PRINT_ENV =
  "console.log(['ANTHROPIC_API_KEY','DATABASE_URL','HARMLESS'].map(k => k + '=' + (process.env[k] ?? 'unset')).join(' ')); process.exit(1);\n";

const activities = createGitActivities({ config: parseConfig({}) });
const repo = useTempRepo();

function everything(f: ApplicationFailure): string {
  return `${f.message}\n${JSON.stringify(f.details)}`;
}

describe('model-written code run by verification and commit hooks never sees the worker secrets', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.ANTHROPIC_API_KEY = KEY;
    process.env.DATABASE_URL = DB_URL;
    process.env.HARMLESS = 'visible';
  });
  afterEach(() => {
    for (const k of ['ANTHROPIC_API_KEY', 'DATABASE_URL', 'HARMLESS']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('runs the verification command without the API key or DATABASE_URL in its environment', async () => {
    repo.write('print-env.js', PRINT_ENV);
    const f = await failureOf(
      activities.verifyTask({ worktreePath: repo.dir, command: 'node print-env.js', timeoutSeconds: 20 }),
    );
    expect(f.type).toBe(FailureClass.VERIFICATION_FAILED);
    const output = f.details[0].output ?? '';
    // An allow-list: not even harmless names pass unless buildrunner.config.json lists them (agent.env).
    expect(output).toContain('ANTHROPIC_API_KEY=unset DATABASE_URL=unset HARMLESS=unset');
    expect(everything(f)).not.toContain(KEY);
    expect(everything(f)).not.toContain('hunter2');
  });

  it('masks an Anthropic key that the verification output prints from a file', async () => {
    repo.write('leak.js', `console.log('found ${KEY} in a file'); process.exit(1);\n`);
    const f = await failureOf(
      activities.verifyTask({ worktreePath: repo.dir, command: 'node leak.js', timeoutSeconds: 20 }),
    );
    expect(everything(f)).not.toContain(KEY);
    expect(f.details[0].output).toContain('found sk-a********yz in a file');
  });

  it('runs the pre-commit hook of a task commit without the API key, and keeps the key out of HOOK_REJECTED', async () => {
    const hook = path.join(repo.dir, '.git', 'hooks', 'pre-commit');
    writeFileSync(
      hook,
      `#!/bin/sh\nnode "${path.join(repo.dir, 'print-env.js')}"\necho "echoed ${KEY}"\nexit 1\n`,
    );
    chmodSync(hook, 0o755);
    repo.write('print-env.js', PRINT_ENV);
    repo.write('src/new.txt', 'new\n');
    const f = await failureOf(
      activities.commitTask({
        worktreePath: repo.dir,
        buildId: 'b1',
        taskId: 't1',
        model: 'claude-test',
        message: 'Task t1',
      }),
    );
    expect(f.type).toBe(FailureClass.HOOK_REJECTED);
    expect(f.details[0].output).toContain('ANTHROPIC_API_KEY=unset DATABASE_URL=unset');
    expect(everything(f)).not.toContain(KEY);
    expect(everything(f)).not.toContain('hunter2');
  });
});

describe('command timeouts', () => {
  it('kill the whole process group, so a grandchild holding the output pipe cannot outlive the timeout', async () => {
    const started = Date.now();
    const script =
      "require('child_process').spawn('sleep', ['30'], { stdio: 'inherit' }); setTimeout(() => {}, 30000);";
    const run = await runCommand(`node -e "${script}"`, repo.dir, 1);
    expect(run.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
