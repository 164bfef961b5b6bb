import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PlanFile } from '../../../services/plan-source';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { makeTestKey } from '../../fixtures/claude';
import { makeRepo, type TempRepo } from '../../fixtures/repo';
import { runBr } from '../../helpers/cli';
import { createSimBuildBackend } from '../../helpers/sim-builds';

/** One plan from preview to build: what `br plan` shows (and writes) is what `br build start` builds. */
const SPEC =
  '# Shop\n\n## Cart\n- [ ] Add items in `src/cart.ts`\n\n## Checkout\nDepends on: Cart\n- [ ] Pay\n';
const claudePlan = {
  tasks: [
    {
      id: 'cart',
      title: 'Cart',
      description: 'Cart.',
      acceptance: ['adds'],
      dependsOn: [],
      files: ['src/cart.ts'],
    },
    { id: 'pay', title: 'Pay', description: 'Pay.', acceptance: ['pays'], dependsOn: ['cart'], files: [] },
  ],
};

jest.setTimeout(120_000);

describe('plan files and the planner choice', () => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let repo: TempRepo;
  let dir: string;
  const builds = createSimBuildBackend();

  beforeAll(async () => {
    server = await startFakeAnthropic();
    repo = makeRepo({ files: { 'SPEC.md': SPEC } });
    dir = repo.dir;
  });
  afterAll(async () => {
    await server.close();
    repo.cleanup();
  });
  afterEach(() => expect(server.pending()).toBe(0));

  const br = (args: string[], withKey = false) =>
    runBr(args, {
      cwd: dir,
      services: { builds },
      env: {
        ANTHROPIC_API_KEY: withKey ? key : undefined,
        ANTHROPIC_BASE_URL: server.url,
        DATABASE_URL: undefined,
      },
    });

  it('builds exactly the plan written by br plan --out, and both print its hash', async () => {
    const planned = await br(['plan', 'SPEC.md', '--heuristic-plan', '--out', 'plan.json']);
    expect(planned.code).toBe(0);
    const hash = /^Plan hash: ([0-9a-f]{16})$/m.exec(planned.stdout)![1]!;
    const file = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as PlanFile;
    expect(file).toMatchObject({ format: 'buildrunner-plan/1', planHash: hash, planner: 'heuristic' });
    expect(file.plan.project).toBe(path.basename(dir));

    const started = await br(['build', 'start', 'SPEC.md', '--plan', 'plan.json', '--json']);
    expect(started.stderr).toBe('');
    const summary = JSON.parse(started.stdout) as { buildId: string; planHash: string; planSource: string };
    expect(summary).toMatchObject({ planHash: hash, planSource: 'file', planner: 'heuristic', tasks: 2 });
    expect(builds.builds.get(summary.buildId)!.plan).toEqual(file.plan);
    const text = await br(['build', 'start', 'SPEC.md', '--plan', 'plan.json']);
    expect(text.stdout).toContain(`plan ${hash} (heuristic planner from plan.json, 2 task(s))`);
  });

  it('refuses a plan file whose tasks were edited, or whose spec changed', async () => {
    const file = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as PlanFile;
    file.plan.tasks[0]!.title = 'Something else';
    writeFileSync(path.join(dir, 'edited.json'), JSON.stringify(file));
    const edited = await br(['build', 'start', 'SPEC.md', '--plan', 'edited.json', '--json']);
    expect(edited.code).toBe(1);
    expect(JSON.parse(edited.stderr)).toMatchObject({
      code: 'ERROR',
      message: expect.stringMatching(/do not match its hash/),
    });

    writeFileSync(path.join(dir, 'SPEC2.md'), `${SPEC}\n## Emails\n- [ ] Receipts\n`);
    const changed = await br(['build', 'start', 'SPEC2.md', '--plan', 'plan.json']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/The spec changed since plan\.json was written/);
  });

  it('picks the planner by one rule in br plan and br build start; the build makes a Claude plan itself', async () => {
    server.enqueue(toolUse('submit_plan', claudePlan));
    const preview = await br(['plan', 'SPEC.md', '--json'], true);
    expect(preview.code).toBe(0);
    const report = JSON.parse(preview.stdout) as { planner: string; planHash: string };
    expect(report.planner).toBe('claude');
    const asked = server.requests.length;
    const started = await br(['build', 'start', 'SPEC.md', '--json', '--base', 'claude'], true);
    const summary = JSON.parse(started.stdout) as { buildId: string };
    // No plan request from the front end: the build's first activity plans, with the model from the catalog.
    expect(summary).toMatchObject({ planner: 'claude', planSource: 'in-build', state: 'started' });
    expect(summary).not.toHaveProperty('planHash');
    expect(server.requests.length).toBe(asked);
    const input = builds.builds.get(summary.buildId)!.input;
    expect(input).toMatchObject({ planner: 'claude', plannerModel: expect.stringMatching(/sonnet/) });
    expect(input).not.toHaveProperty('planningCostUsd');

    const before = server.requests.length;
    const offline = await br(
      ['build', 'start', 'SPEC.md', '--heuristic-plan', '--json', '--base', 'offline'],
      true,
    );
    expect(JSON.parse(offline.stdout)).toMatchObject({ planner: 'heuristic', planSource: 'planned' });
    const offlineId = (JSON.parse(offline.stdout) as { buildId: string }).buildId;
    expect(builds.builds.get(offlineId)!.input).not.toHaveProperty('planningCostUsd');
    expect(server.requests.length).toBe(before);
  });
});
