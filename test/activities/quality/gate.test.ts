import { MockActivityEnvironment } from '@temporalio/testing';
import { createClaudeActivities } from '../../../activities/claude';
import { createGitActivities } from '../../../activities/git';
import { parseConfig, type BuildRunnerConfig } from '../../../lib/config';
import type { BuildActivities, QualityGateSettings } from '../../../lib/contracts';
import { explainFailure } from '../../../lib/failure-hints';
import { evaluateGate, gateSettings, type QualityMeasurements } from '../../../lib/quality';
import { makeBuildInput } from '../../../services/build-input';
import { DEFAULT_TIERS, type TaskWorkflowInput } from '../../../workflows/core/types';
import { makeTestKey, testConfig } from '../../fixtures/claude';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { runBr } from '../../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { runTaskInProcess } from '../../helpers/task-host';
import { useTempRepo, type TempRepo } from '../../fixtures/repo';

// Real git, the real sandbox (bubblewrap) and `br quality gate` from the sources: slow on a loaded machine.
jest.setTimeout(240_000);

const settings = (gate: Record<string, unknown>): QualityGateSettings =>
  gateSettings(parseConfig({ quality: { gate } }).quality, '.buildrunner/test-results.json')!;

const none: QualityMeasurements = {
  tests: null,
  lineCoverage: null,
  branchCoverage: null,
  typeErrors: null,
  lintErrors: null,
  complexity: null,
  duplication: null,
  secrets: null,
  gaps: null,
};

describe('quality.gate in the config', () => {
  it('is off unless present, and a build without it carries no gate', () => {
    expect(parseConfig({}).quality.gate).toBeUndefined();
    const args = { project: 'p', repoPath: '/r', specPathInRepo: 'S.md', options: { specPath: 'S.md' } };
    const plain = makeBuildInput({ ...args, config: parseConfig({}), specContent: '# S\n' });
    expect('qualityGate' in plain).toBe(false);
    const gated = makeBuildInput({
      ...args,
      config: parseConfig({ quality: { threshold: 70, gate: { require: { lintErrors: 100 } } } }),
      specContent: '# S\n',
    });
    expect(gated.qualityGate).toMatchObject({
      threshold: 70,
      require: { lintErrors: 100 },
      measure: ['typeErrors', 'lintErrors', 'complexity', 'duplication', 'secrets'],
      timeoutSeconds: 300,
    });
  });

  it('refuses a required sub-score it does not measure, and gap analysis as a measure', () => {
    expect(() =>
      parseConfig({ quality: { gate: { measure: ['secrets'], require: { lintErrors: 90 } } } }),
    ).toThrow(/quality\.gate\.require\.lintErrors: "lintErrors" is required but not measured/);
    expect(() => parseConfig({ quality: { gate: { measure: ['gaps'] } } })).toThrow(/quality\.gate\.measure/);
  });
});

describe('the gate verdict', () => {
  const rows: {
    name: string;
    gate: Record<string, unknown>;
    m: Partial<QualityMeasurements>;
    expect: object;
  }[] = [
    {
      name: 'passes a clean change',
      gate: {},
      m: { lintErrors: 0, secrets: 0 },
      expect: { passed: true, score: 100, failed: [] },
    },
    {
      name: 'fails a score under the threshold',
      gate: { threshold: 95 },
      m: { lintErrors: 2, secrets: 0 },
      expect: { passed: false, score: 90, failed: ['score 90 is below the threshold 95'] },
    },
    {
      name: 'fails a required sub-score even when the score passes',
      gate: { require: { lintErrors: 100 } },
      m: { lintErrors: 1, secrets: 0 },
      expect: { passed: false, failed: ['lintErrors 90 is below the required 100 (1 lint errors)'] },
    },
    {
      name: 'ignores what it does not measure',
      gate: { measure: ['secrets'], threshold: 100 },
      m: { lintErrors: 9, secrets: 0 },
      expect: { passed: true, score: 100 },
    },
    {
      name: 'neither counts nor fails a required sub-score that could not be measured',
      gate: { require: { lintErrors: 100 } },
      m: { secrets: 0 },
      expect: { passed: true, score: 100 },
    },
    {
      name: 'passes a change with nothing to measure',
      gate: { threshold: 100 },
      m: {},
      expect: { passed: true, score: null },
    },
    {
      name: 'treats one secret as a failing score',
      gate: { threshold: 80 },
      m: { secrets: 1, lintErrors: 0 },
      expect: { passed: false, score: 50 },
    },
  ];
  it.each(rows)('$name', (row) => {
    const report = evaluateGate({ ...none, ...row.m }, settings(row.gate), {
      findings: [],
      base: 'b',
      files: 1,
    });
    expect(report).toMatchObject(row.expect);
  });
});

const BAD = `const unused = 1;\nmodule.exports = { total: (xs) => xs.reduce((a, b) => a + b, 0) };\n`;
const GOOD = `module.exports = { total: (xs) => xs.reduce((a, b) => a + b, 0) };\n`;
const FEEDBACK_MARK = 'Quality gate FAILED';

describe('br quality gate', () => {
  const repo = useTempRepo();

  it('scores only the lines changed since --base and prints each finding with its file and line', async () => {
    repo.write(
      'eslint.config.js',
      "module.exports = [{ files: ['**/*.js'], rules: { 'no-unused-vars': 'error' } }];\n",
    );
    repo.write('src/old.js', 'const alsoUnused = 2;\nmodule.exports = {};\n');
    const base = repo.commitAll('old code with its own lint error');
    repo.write('src/total.js', BAD);
    repo.write(
      'buildrunner.config.json',
      JSON.stringify({ quality: { gate: { require: { lintErrors: 100 } } } }),
    );
    repo.commitAll('new code');
    const text = await runBr(['quality', 'gate', '--base', base], { cwd: repo.dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      "src/total.js:1: [lintErrors] 'unused' is assigned a value but never used.",
    );
    expect(text.stdout).not.toContain('src/old.js');
    // Untracked build output (what a verify command leaves) counts by hand, and not with --committed.
    repo.write('dist/out.js', 'var leftover = 1;\n');
    const withUntracked = await runBr(['quality', 'gate', '--base', base], { cwd: repo.dir });
    expect(withUntracked.stdout).toContain('dist/out.js:1: [lintErrors]');
    const json = await runBr(['quality', 'gate', '--base', base, '--committed', '--json'], { cwd: repo.dir });
    expect(JSON.parse(json.stdout)).toMatchObject({
      passed: false,
      failed: ['lintErrors 90 is below the required 100 (1 lint errors)'],
      findings: [{ measure: 'lintErrors', file: 'src/total.js', line: 1 }],
    });
  });
});

describe('a task with a quality gate, on a real repository', () => {
  const repo = useTempRepo();
  const key = makeTestKey();
  let server: FakeAnthropic;
  let db: TestDatabase;
  const savedFromSource = process.env.BR_FROM_SOURCE;
  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    // The gate runs `br quality gate` in the sandbox: from these sources, not a dist/ built before them.
    process.env.BR_FROM_SOURCE = '1';
  });
  afterAll(async () => {
    if (savedFromSource === undefined) delete process.env.BR_FROM_SOURCE;
    else process.env.BR_FROM_SOURCE = savedFromSource;
    await db.close();
  });
  // One scripted server per test: its queue and its recorded requests are that test's alone.
  beforeEach(async () => {
    server = await startFakeAnthropic();
  });
  afterEach(() => server.close());

  function fixture(r: TempRepo): void {
    r.write(
      'eslint.config.js',
      "module.exports = [{ files: ['**/*.js'], rules: { 'no-unused-vars': 'error' } }];\n",
    );
    r.write('src/math.js', 'module.exports = { add: (a, b) => a + b };\n');
    r.commitAll('project with a lint rule');
    r.git('branch', 'br/b-gate');
  }

  /** The agent writes src/total.js: with an unused variable, unless it was told the gate's findings (or `fixes`). */
  function scriptAgent(fixes: boolean): void {
    for (let i = 0; i < 20; i++)
      server.enqueue({
        kind: 'dynamic',
        respond: (request) => {
          const messages = (request.body as { messages: { content: unknown }[] }).messages;
          if (messages.length > 1) return toolUse('finish', { summary: 'Added total().' });
          const prompt = JSON.stringify(messages[0]!.content);
          const content = fixes && prompt.includes(FEEDBACK_MARK) ? GOOD : BAD;
          return toolUse('write_file', { path: 'src/total.js', content });
        },
      });
  }

  function activities(config: BuildRunnerConfig): Partial<BuildActivities> {
    const claude = createClaudeActivities({
      db,
      config,
      apiKey: key,
      env: { ...process.env, ANTHROPIC_API_KEY: key },
    });
    const git = createGitActivities({ config });
    return {
      ...git,
      runAgent: (input) => new MockActivityEnvironment({ attempt: 1 }).run(claude.runAgent, input),
    };
  }

  function taskInput(config: BuildRunnerConfig, maxAttemptsPerTask: number): TaskWorkflowInput {
    const gate = gateSettings(config.quality, config.gaps.testResults);
    return {
      buildId: 'b-gate',
      buildWorkflowId: 'build-b-gate',
      repoPath: repo.dir,
      buildBranch: 'br/b-gate',
      task: {
        id: 'total',
        title: 'Add total()',
        description: 'Sum a list of numbers in src/total.js.',
        acceptance: ['total([1, 2]) is 3'],
        dependsOn: [],
        files: ['src/total.js'],
      },
      estimate: { level: 'simple', score: 10, reasons: [], recommendedTier: 'haiku' },
      routing: { tiers: { ...DEFAULT_TIERS }, maxAttemptsPerTask, catalog: config.models },
      ...(gate ? { qualityGate: gate } : {}),
    };
  }

  const gated = () => testConfig(server.url, { quality: { gate: { require: { lintErrors: 100 } } } });

  // @req R15.9
  it("feeds a failed gate's findings back to the agent, whose second attempt passes and merges", async () => {
    fixture(repo);
    scriptAgent(true);
    const config = gated();
    const run = await runTaskInProcess(taskInput(config, 4), activities(config));

    expect(run.result).toMatchObject({ outcome: 'SUCCEEDED', attempts: 2 });
    expect(run.attempts.map((a) => [a.outcome, a.failureClass ?? null])).toEqual([
      ['FAILED', 'QUALITY_GATE_FAILED'],
      ['SUCCEEDED', null],
    ]);
    expect(run.attempts[0]!.decision).toBe('repair on claude-haiku-5-5 with the quality gate output');
    // The second conversation opens with the gate's findings, located on the changed line.
    const openers = server.requests.filter((r) => r.body.messages.length === 1);
    expect(openers).toHaveLength(2);
    const repairPrompt = JSON.stringify(openers[1]!.body.messages[0].content);
    expect(repairPrompt).toContain(FEEDBACK_MARK);
    expect(repairPrompt).toContain('lintErrors 90 is below the required 100');
    expect(repairPrompt).toContain(
      "src/total.js:1: [lintErrors] 'unused' is assigned a value but never used. (no-unused-vars)",
    );
    expect(JSON.stringify(openers[0]!.body.messages[0].content)).not.toContain(FEEDBACK_MARK);
    // The gate ran before each merge; only the passing change reached the build branch.
    expect(run.calls.filter((c) => c === 'checkQualityGate')).toHaveLength(2);
    expect(repo.git('show', 'br/b-gate:src/total.js')).toBe(GOOD.trim());
    expect(run.events.filter((e) => e.type === 'QUALITY_GATE_FAILED')).toHaveLength(1);
  });

  // @req R15.10
  it('ends the task QUALITY_GATE_FAILED, with its hint, when no attempt passes', async () => {
    fixture(repo);
    scriptAgent(false);
    const config = gated();
    const before = repo.git('rev-parse', 'br/b-gate');
    const run = await runTaskInProcess(taskInput(config, 2), activities(config));

    expect(run.result).toMatchObject({ outcome: 'FAILED', failureClass: 'QUALITY_GATE_FAILED', attempts: 2 });
    expect(run.result.error).toMatch(
      /attempts exhausted \(2\/2\) after QUALITY_GATE_FAILED: The quality gate refused task total: lintErrors 90/,
    );
    expect(explainFailure(run.result.failureClass, run.result.error!).hint).toMatch(/br quality gate --base/);
    expect(repo.git('rev-parse', 'br/b-gate')).toBe(before);
    expect(run.calls).not.toContain('mergeTask');
  });

  it('stops the task at once, as a setting to fix, when the gate itself runs out of time', async () => {
    fixture(repo);
    scriptAgent(false);
    const config = gated();
    // Below what the config accepts (10 s), so the gate's start-up alone exceeds it.
    const input = taskInput(config, 4);
    input.qualityGate = { ...input.qualityGate!, timeoutSeconds: 1 };
    const run = await runTaskInProcess(input, activities(config));

    // Starting the gate alone takes longer than a second: no repair attempt, no stronger model.
    expect(run.result).toMatchObject({ outcome: 'FAILED', failureClass: 'CONFIG_INVALID', attempts: 1 });
    expect(run.result.error).toMatch(/quality gate could not judge task total: it timed out after 1s/);
    expect(run.result.error).toContain('quality.gate.timeoutSeconds');
    expect(run.calls).not.toContain('mergeTask');
  });

  // @req R15.10
  it('schedules no gate activity when the config has no quality.gate', async () => {
    fixture(repo);
    scriptAgent(false);
    const config = testConfig(server.url);
    const run = await runTaskInProcess(taskInput(config, 2), activities(config));

    expect(run.result).toMatchObject({ outcome: 'SUCCEEDED', attempts: 1 });
    expect(run.calls).not.toContain('checkQualityGate');
    expect(repo.git('show', 'br/b-gate:src/total.js')).toBe(BAD.trim());
  });
});
