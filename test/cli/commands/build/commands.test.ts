import path from 'node:path';
import { z } from 'zod';
import { makeRepo } from '../../../fixtures/repo';
import { runBr } from '../../../helpers/cli';
import { createSimBuildBackend, type SimBuildBackend } from '../../../helpers/sim-builds';

const example = path.join(__dirname, '../../../../examples/todo-api');

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((cleanup) => cleanup()));

/** The example project committed in a repository of its own. */
function exampleRepo(): string {
  const repo = makeRepo({ copyFrom: example, files: { 'buildrunner.config.json': { project: 'todo-api' } } });
  cleanups.push(repo.cleanup);
  return repo.dir;
}

const money = z.string().regex(/^\d+(\.\d+)?$/);
const taskState = z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'BLOCKED', 'CANCELLED']);
const progressSchema = z.object({
  buildId: z.string(),
  status: z.string(),
  paused: z.boolean(),
  tasks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      state: taskState,
      attempts: z.number().int(),
      costUsd: money,
      model: z.string().optional(),
    }),
  ),
  counts: z.record(taskState, z.number().int()),
  budget: z.object({
    limitUsd: money,
    spentUsd: money,
    leftUsd: money,
    reservedUsd: money,
    fractionUsed: z.number(),
    breaker: z.string(),
  }),
  elapsedMs: z.number(),
  alerts: z.array(z.object({ threshold: z.number(), spentUsd: money, budgetUsd: money })),
  webUiUrl: z.string(),
});
const startSchema = z.object({
  buildId: z.string().regex(/^build-todo-api-[0-9a-f]{8}$/),
  attached: z.boolean(),
  webUiUrl: z.string(),
  buildBranch: z.string(),
  budgetUsd: money,
  parallel: z.number().int(),
});
const listSchema = z.array(
  z.object({
    workflowId: z.string(),
    status: z.string(),
    outcome: z.string().nullable(),
    project: z.string().nullable(),
  }),
);

describe('br build commands (on the simulation runtime)', () => {
  let repo: string;
  let builds: SimBuildBackend;
  const br = (...argv: string[]) =>
    runBr(argv, { cwd: repo, services: { builds }, env: { DATABASE_URL: undefined } });

  beforeEach(() => {
    repo = exampleRepo();
    builds = createSimBuildBackend();
  });

  it('starts, lists, shows status and cancels a build, leaving no running task or worktree', async () => {
    const started = await br(
      'build',
      'start',
      'PROJECT_SPEC.md',
      '--parallel',
      '2',
      '--budget',
      '5',
      '--json',
    );
    expect(started.code).toBe(0);
    const start = startSchema.parse(JSON.parse(started.stdout));
    expect(start).toMatchObject({
      attached: false,
      budgetUsd: '5',
      parallel: 2,
      buildBranch: `br/${start.buildId}`,
    });

    const again = await br('build', 'start', 'PROJECT_SPEC.md', '--parallel', '2', '--budget', '5');
    expect(again.stdout).toContain(`Attached to running build ${start.buildId}`);
    expect(again.stdout).toContain(`Web UI: sim://builds/${start.buildId}`);

    const list = listSchema.parse(JSON.parse((await br('build', 'list', '--json')).stdout));
    expect(list).toEqual([
      expect.objectContaining({ workflowId: start.buildId, status: 'RUNNING', project: 'todo-api' }),
    ]);

    const status = progressSchema.parse(
      JSON.parse((await br('build', 'status', start.buildId, '--json')).stdout),
    );
    expect(status.status).toBe('RUNNING');
    expect(status.counts.RUNNING).toBeGreaterThan(0);
    expect(status.counts.RUNNING).toBeLessThanOrEqual(2);

    const text = await br('build', 'status', start.buildId);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').slice(0, 2).join('\n')).toMatch(
      new RegExp(
        `^${start.buildId}  RUNNING  \\d+m\\d\\ds  ETA [^\\n]+\\nbudget [█░]{20} \\$\\d\\.\\d{4} of \\$5\\.00`,
      ),
    );

    const cancel = await br('build', 'cancel', start.buildId, '--reason', 'spec changed');
    expect(cancel).toMatchObject({ code: 0 });
    expect(cancel.stdout).toContain(`Cancelling ${start.buildId}.`);

    const watched = await br('build', 'watch', start.buildId, '--interval', '1');
    expect(watched.code).toBe(4);
    expect(watched.stdout).toMatch(/ done CANCELLED cost=\$/);

    const final = progressSchema.parse(
      JSON.parse((await br('build', 'status', start.buildId, '--json')).stdout),
    );
    expect(final.status).toBe('CANCELLED');
    expect(final.counts.RUNNING).toBe(0);
    expect(builds.builds.get(start.buildId)!.last!.store.worktrees.size).toBe(0);
    const listed = listSchema.parse(
      JSON.parse((await br('build', 'list', '--status', 'completed', '--json')).stdout),
    );
    expect(listed[0]).toMatchObject({ outcome: 'CANCELLED' });
  });

  it('watches a build to the end as ordered line events and exits with its outcome', async () => {
    builds = createSimBuildBackend({ stepMs: 120_000 });
    const started = await br('build', 'start', 'PROJECT_SPEC.md', '--parallel', '3', '--watch');
    expect(started.code).toBe(0);
    const lines = started.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Started build build-todo-api-[0-9a-f]{8}$/);
    const events = lines.filter((l) => /^\d\d:\d\d:\d\d /.test(l));
    expect(events[0]).toMatch(/ build build-todo-api-[0-9a-f]{8} RUNNING$/);
    expect(events.at(-1)).toMatch(/ done SUCCEEDED cost=\$\d+\.\d+ elapsed=\d+m\d\ds$/);
    const times = events.map((l) => l.slice(0, 8));
    expect([...times].sort()).toEqual(times);
    for (const id of new Set(events.filter((l) => / task /.test(l)).map((l) => l.split(' ')[2]))) {
      const mine = events.filter((l) => l.split(' ')[2] === id).map((l) => l.split(' ')[3]);
      expect(mine.at(-1)).toBe('SUCCEEDED');
      expect(mine.indexOf('RUNNING')).toBeLessThan(mine.indexOf('SUCCEEDED'));
    }
  });

  it('pauses and resumes a build', async () => {
    const id = startSchema.parse(
      JSON.parse((await br('build', 'start', 'PROJECT_SPEC.md', '--json')).stdout),
    ).buildId;
    expect((await br('build', 'pause', id)).stdout).toContain(`Paused ${id}.`);
    const paused = progressSchema.parse(JSON.parse((await br('build', 'status', id, '--json')).stdout));
    expect(paused.paused).toBe(true);
    expect((await br('build', 'resume', id, '--json')).code).toBe(0);
    expect(progressSchema.parse(JSON.parse((await br('build', 'status', id, '--json')).stdout)).paused).toBe(
      false,
    );
  });

  it('explains a missing spec without a stack trace', async () => {
    const result = await br('build', 'start', 'NOPE.md');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Spec (file )?not found: .*NOPE\.md/);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });

  it('raises the budget by a positive amount and refuses anything else', async () => {
    const id = startSchema.parse(
      JSON.parse((await br('build', 'start', 'PROJECT_SPEC.md', '--json')).stdout),
    ).buildId;
    const ok = await br('build', 'budget', id, '--raise', '7.50', '--json');
    expect(JSON.parse(ok.stdout)).toMatchObject({ raisedUsd: '7.50' });
    const status = progressSchema.parse(JSON.parse((await br('build', 'status', id, '--json')).stdout));
    expect(status.budget.limitUsd).toBe('27.5');
    for (const bad of ['abc', '0', '-3']) {
      const refused = await br('build', 'budget', id, `--raise=${bad}`);
      // A bad option value is a usage error: exit 2.
      expect(refused.code).toBe(2);
      expect(refused.stdout + refused.stderr).toMatch(/positive amount/);
    }
  });
});

describe('br build watch on a terminal', () => {
  it('redraws one frame in place and exits with the outcome', async () => {
    const repo = exampleRepo();
    const builds = createSimBuildBackend({ stepMs: 300_000 });
    const br = (...argv: string[]) =>
      runBr(argv, { cwd: repo, services: { builds }, env: { DATABASE_URL: undefined }, isTTY: true });
    const started = await br('build', 'start', 'PROJECT_SPEC.md', '--watch');
    expect(started.code).toBe(0);
    // log-update erases the previous frame before drawing the next one, instead of appending lines.
    expect(started.stdout).toContain('\u001b[2K');
    const frames = started.stdout.split(/build-todo-api-[0-9a-f]{8} {2}(?:RUNNING|SUCCEEDED)/).length - 1;
    expect(frames).toBeGreaterThan(1);
    expect(started.stdout).toMatch(/SUCCEEDED {2}\d+m\d\ds/);
    expect(started.stdout).not.toMatch(/^\d\d:\d\d:\d\d task /m);
  });
});
