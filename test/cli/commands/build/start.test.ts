import { ConfigError } from '../../../../lib/config';
import { TemporalUnreachableError } from '../../../../lib/errors';
import { FAILURE_CATALOG } from '../../../../lib/failure-hints';
import { runBr } from '../../../helpers/cli';
import { makeRepo, type TempRepo } from '../../../fixtures/repo';

/**
 * `br build start` refuses what it can check before a workflow exists. TEMPORAL_ADDRESS points at a
 * closed port: a refusal that mentions the server would mean the check came too late.
 */
describe('br build start refuses a mistake before the build starts', () => {
  let repo: TempRepo;
  const env = { TEMPORAL_ADDRESS: '127.0.0.1:1' };
  const start = (...args: string[]) => runBr(['build', 'start', ...args], { cwd: repo.dir, env });

  beforeEach(() => {
    repo = makeRepo();
    repo.write('PROJECT_SPEC.md', '# Shop\n## Cart\n- [ ] add items\n');
    repo.commitAll('spec');
  });
  afterEach(() => repo.cleanup());

  it('names a mistyped base branch and says how to list branches, in text', async () => {
    const r = await start('PROJECT_SPEC.md', '--base', 'mian');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`BASE_BRANCH_MISSING: Base branch "mian" does not exist in ${repo.dir}.`);
    expect(r.stderr).toContain(`hint: ${FAILURE_CATALOG.BASE_BRANCH_MISSING.hint}`);
    expect(r.stdout + r.stderr).not.toMatch(/Temporal server|Started build/);
  });

  it('gives code, message and hint with --json', async () => {
    const r = await start('PROJECT_SPEC.md', '--base', 'mian', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toEqual({
      code: 'BASE_BRANCH_MISSING',
      message: `Base branch "mian" does not exist in ${repo.dir}.`,
      hint: FAILURE_CATALOG.BASE_BRANCH_MISSING.hint,
    });
  });

  it('refuses a spec whose plan has a dependency cycle', async () => {
    repo.write('CYCLE.md', '## A\nDepends on: B\n- [ ] do a\n## B\nDepends on: A\n- [ ] do b\n');
    const r = await start('CYCLE.md', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toMatchObject({
      code: 'INVALID_PLAN',
      message: expect.stringContaining('Dependency cycle: a-1 -> b-1 -> a-1.'),
      hint: FAILURE_CATALOG.INVALID_PLAN.hint,
    });
  });

  it('refuses a missing spec with its class, and a budget of zero as a usage error', async () => {
    const missing = await start('NOPE.md', '--json');
    expect(JSON.parse(missing.stderr)).toMatchObject({ code: 'SPEC_MISSING', hint: expect.any(String) });
    const budget = await start('PROJECT_SPEC.md', '--budget', '0', '--json');
    expect(budget.code).toBe(2);
    expect(JSON.parse(budget.stderr)).toMatchObject({
      code: 'USAGE',
      message: 'Invalid value for --budget: must be a positive amount in USD such as 20 or 7.50, not "0"',
    });
  });
});

describe('br plan says what to do next', () => {
  let repo: TempRepo;
  beforeEach(() => (repo = makeRepo()));
  afterEach(() => repo.cleanup());

  it('names a missing spec, in text and JSON', async () => {
    const text = await runBr(['plan', 'NOPE.md', '--heuristic-plan'], { cwd: repo.dir });
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('SPEC_MISSING: Spec not found: NOPE.md.');
    expect(text.stderr).toContain(`hint: ${FAILURE_CATALOG.SPEC_MISSING.hint}`);
    const json = await runBr(['plan', 'NOPE.md', '--heuristic-plan', '--json'], { cwd: repo.dir });
    expect(JSON.parse(json.stderr)).toMatchObject({
      code: 'SPEC_MISSING',
      hint: FAILURE_CATALOG.SPEC_MISSING.hint,
    });
  });

  it('gives the planning failure its class and hint', async () => {
    repo.write('CYCLE.md', '## A\nDepends on: B\n- [ ] do a\n## B\nDepends on: A\n- [ ] do b\n');
    const r = await runBr(['plan', 'CYCLE.md', '--heuristic-plan', '--json'], { cwd: repo.dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toMatchObject({
      code: 'INVALID_PLAN',
      message: expect.stringMatching(/^Planning failed \(INVALID_PLAN\): .*Dependency cycle/s),
      hint: FAILURE_CATALOG.INVALID_PLAN.hint,
    });
  });
});

describe('errors the CLI refuses with', () => {
  it('carry the code and hint of their class', () => {
    const unreachable = new TemporalUnreachableError('127.0.0.1:1', new Error('connection refused'));
    expect(unreachable).toMatchObject({
      code: 'REMOTE_UNREACHABLE',
      hint: FAILURE_CATALOG.REMOTE_UNREACHABLE.hint,
    });
    expect(new ConfigError('Invalid configuration')).toMatchObject({
      code: 'CONFIG_INVALID',
      hint: FAILURE_CATALOG.CONFIG_INVALID.hint,
    });
  });
});
