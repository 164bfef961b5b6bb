import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createPersistenceActivities } from '../../../activities/persistence';
import type { RecordAttemptInput, RecordBuildInput, RecordTaskInput } from '../../../lib/contracts';
import { openDatabase } from '../../../activities/db/connection';
import { migrate } from '../../../activities/db/migrate';
import type { GapReport } from '../../../lib/gaps';
import { planFromMarkdown } from '../../../lib/planner/heuristic';
import { attachRequirements, parseRequirements } from '../../../lib/requirements';
import { createFakeActivities, simulationInput } from '../../../workflows/simulation/fakes';
import { simulateBuild } from '../../../workflows/simulation/runtime';
import type { BuildBackend } from '../../../services/build-backend';
import type { BuildHandlers } from '../../../workflows/core/port';
import { runBr } from '../../helpers/cli';
import { makeRepo, type TempRepo } from '../../fixtures/repo';
import { TAG, writeResults } from '../../fixtures/shop';

// Real git repositories, an embedded database and the real tools: slow on a loaded machine.
jest.setTimeout(240_000);

const SPEC = `# Notes app

## Note list

Users keep short notes.

- [ ] Create and list notes in \`src/notes.js\`
- [ ] Delete notes in \`src/delete.js\`

Acceptance criteria:
- R1: A new note appears first in the list
- R2: Deleting an unknown note answers 404

## Tags

Notes can be tagged.

- [ ] Tag notes in \`src/tags.js\`
  - R3: A note has at most 5 tags
`;

type Recorded = ['build', RecordBuildInput] | ['task', RecordTaskInput] | ['attempt', RecordAttemptInput];

describe('a simulated build whose agent forgets the tests of one task', () => {
  let repo: TempRepo;
  const testFiles: string[] = [];
  afterAll(() => repo?.cleanup());

  // @req R15.8
  it('succeeds, and its summary and br gaps analyze --build name the requirements left untested', async () => {
    repo = makeRepo();
    repo.write('PROJECT_SPEC.md', SPEC);
    repo.write('.gitignore', '.buildrunner/\n');
    repo.commitAll('spec');
    const buildBranch = 'br/build-notes';
    repo.git('checkout', '-q', '-b', buildBranch);
    const plan = attachRequirements(planFromMarkdown(SPEC, 'notes'), parseRequirements(SPEC));
    const forgotten = plan.tasks.find((t) => t.title.startsWith('Tag notes'))!;
    expect(forgotten.requirementIds).toEqual(['tags.c1', 'R3']);

    const { activities } = createFakeActivities({
      plan,
      agent: () => ({ durationMs: 60_000, costUsd: '0.05' }),
    });
    // The agent's work lands in the real repository: the implementation, and tests citing the task's
    // requirements, except for the task whose tests it forgets.
    const fakeMerge = activities.mergeTask;
    activities.mergeTask = (input) => {
      const call = fakeMerge(input);
      return {
        durationMs: call.durationMs,
        complete: () => {
          call.complete();
          const task = plan.tasks.find((t) => t.id === input.taskId)!;
          repo.git('checkout', '-q', '-b', `task/${task.id}`, buildBranch);
          repo.write(task.files[0]!, `module.exports = {}; // ${task.title}\n`);
          if (task.id !== forgotten.id) {
            const file = `test/${task.id}.test.js`;
            const cases = (task.requirementIds ?? []).map(
              (id) => `it('covers ${id} ${TAG} ${id}', () => {});`,
            );
            repo.write(file, `${cases.join('\n')}\n`);
            testFiles.push(file);
          }
          repo.commitAll(task.title);
          repo.git('checkout', '-q', buildBranch);
          repo.git('merge', '-q', '--no-ff', '-m', `merge ${task.id}`, `task/${task.id}`);
          return { mergeCommit: repo.git('rev-parse', 'HEAD') };
        },
      };
    };
    const recorded: Recorded[] = [];
    let handlers: BuildHandlers | undefined;
    activities.recordBuild = (i) => ({ durationMs: 0, complete: () => void recorded.push(['build', i]) });
    activities.recordTask = (i) => ({ durationMs: 0, complete: () => void recorded.push(['task', i]) });
    activities.recordAttempt = (i) => ({ durationMs: 0, complete: () => void recorded.push(['attempt', i]) });

    const run = await simulateBuild({
      input: simulationInput(plan, {
        buildId: 'build-notes',
        repoPath: repo.dir,
        buildBranch,
        specPath: 'PROJECT_SPEC.md',
      }),
      activities,
      controls: [{ afterMs: 0, apply: (h) => void (handlers = h) }],
    });
    expect(run.result.outcome).toBe('SUCCEEDED');
    writeResults(repo, testFiles, []);

    // The records reach the repository's embedded database through the real persistence activities.
    const db = await openDatabase({ kind: 'pglite', dataDir: path.join(repo.dir, '.buildrunner/db') });
    try {
      await migrate(db);
      const persistence = createPersistenceActivities({ db });
      for (const [kind, input] of recorded) {
        if (kind === 'build') await persistence.recordBuild(input);
        else if (kind === 'task') await persistence.recordTask(input);
        else await persistence.recordAttempt(input);
      }
      const tasks = await db.prisma.task.findMany({ where: { buildId: 'build-notes' } });
      expect(
        tasks.map((t) => [t.status, t.verification, /^[0-9a-f]{40}$/.test(t.mergeCommit ?? '')]),
      ).toEqual(Array(3).fill(['SUCCEEDED', 'npm test', true]));
      const build = await db.prisma.build.findUniqueOrThrow({ where: { id: 'build-notes' } });
      const gaps = (
        build.summary as { gaps: { headline: string; high: { kind: string; requirementId: string }[] } }
      ).gaps;
      expect(gaps.headline).toBe('Gaps: 2 high, 0 medium, 0 low (high: R3, tags.c1).');
      expect(gaps.high.map((f) => [f.kind, f.requirementId])).toEqual([
        ['requirement-untested', 'R3'],
        ['requirement-untested', 'tags.c1'],
      ]);
    } finally {
      await db.close();
    }

    const { stdout, code } = await runBr(['gaps', 'analyze', '--build', 'build-notes', '--json'], {
      cwd: repo.dir,
    });
    const report = JSON.parse(stdout) as GapReport;
    expect(report.findings.map((f) => `${f.kind} ${f.requirementId}`)).toEqual([
      'requirement-untested R3',
      'requirement-untested tags.c1',
    ]);
    expect(report.findings[0]!.message).toContain(forgotten.id);
    expect(code).toBe(3);
    expect(readFileSync(path.join(repo.dir, 'PROJECT_SPEC.md'), 'utf8')).toBe(SPEC);

    const builds = {
      progress: async () => ({ ...handlers!.progress(), webUiUrl: 'sim://builds/build-notes' }),
    } as unknown as BuildBackend;
    const status = await runBr(['build', 'status', 'build-notes'], { cwd: repo.dir, services: { builds } });
    expect(status.stdout).toContain('Gaps: 2 high, 0 medium, 0 low (high: R3, tags.c1).');
    expect(status.stdout).toContain('high requirement-untested: Requirement R3 has its tasks done (tags-1)');
  });
});

describe('a task without a recorded merge commit', () => {
  it('does not count as SUCCEEDED', async () => {
    const plan = planFromMarkdown('# P\n\n## A\n\n- [ ] Do a in `a.js`\n', 'p');
    const { activities, store } = createFakeActivities({
      plan,
      agent: () => ({ durationMs: 1000, costUsd: '0.01' }),
    });
    const fakeMerge = activities.mergeTask;
    activities.mergeTask = (input) => {
      const call = fakeMerge(input);
      return { durationMs: call.durationMs, complete: () => ({ ...call.complete(), mergeCommit: '' }) };
    };
    const run = await simulateBuild({ input: simulationInput(plan), activities });
    expect(run.result.outcome).toBe('FAILED');
    expect(store.tasks.get('a-1')).toMatchObject({ status: 'FAILED' });
    expect(store.attempts.every((a) => a.outcome === 'FAILED')).toBe(true);
  });
});
