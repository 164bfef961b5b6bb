import { collectGapInput } from '../../../activities/evidence';
import { analyzeGaps, type GapReport } from '../../../lib/gaps';
import { gapsOfBuild, loadBuildEvidence } from '../../../activities/evidence';
import { runBr } from '../../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { expectedPlanted, makeShop, recordShopBuild, type ShopFixture } from '../../fixtures/shop';

// Real git repositories, an embedded database and the real tools: slow on a loaded machine.
jest.setTimeout(240_000);

const summary = (r: GapReport) =>
  r.findings.map((f) => `${f.severity} ${f.kind} ${f.requirementId ?? f.taskId ?? f.featureId}`).sort();

let clean: ShopFixture;
let planted: ShopFixture;
let db: TestDatabase;
beforeAll(async () => {
  // The shops first: each is about a hundred git processes, and a process forks faster before the
  // embedded database has grown it by a few hundred MB.
  clean = makeShop({ planted: false });
  planted = makeShop({ planted: true });
  db = await createTestDatabase('pglite');
});
afterAll(async () => {
  await db.close();
  clean.repo.cleanup();
  planted.repo.cleanup();
});

async function analyzeBuild(shop: ShopFixture, buildId: string): Promise<GapReport> {
  await recordShopBuild(db, shop, buildId);
  const evidence = await loadBuildEvidence(db, buildId);
  return gapsOfBuild(evidence!, { resultsFile: '.buildrunner/test-results.json' });
}

describe('br gaps analyze on a fixture shop with 13 requirements', () => {
  // @req R15.3
  it('traces every requirement of the clean build to a merged task and a passing test, and reports nothing', async () => {
    const report = await analyzeBuild(clean, 'build-clean');
    expect(report.counts.requirements).toBe(13);
    expect(report.findings).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.matrix.map((r) => r.state)).toEqual(Array(13).fill('verified'));
    expect(report.matrix.every((r) => r.tasks.every((t) => t.merged))).toBe(true);
  });

  // @req R15.3
  it('finds every gap planted in the build, two of each kind, and nothing else', async () => {
    const report = await analyzeBuild(planted, 'build-planted');
    expect(summary(report)).toEqual([...expectedPlanted].sort());
    expect(report.exitCode).toBe(3);
  });

  it('reports nothing for the clean spec planned offline against the working tree', async () => {
    const input = await collectGapInput({
      repoPath: clean.repo.dir,
      specPath: 'PROJECT_SPEC.md',
      build: null,
      resultsFile: '.buildrunner/test-results.json',
    });
    const report = analyzeGaps(input);
    expect(report.findings).toEqual([]);
    expect(report.matrix.every((r) => r.tasks.length > 0)).toBe(true);
  });

  it('finds the spec-level gaps of the planted copy without a build', async () => {
    const { stdout, code } = await runBr(['gaps', 'analyze', 'PROJECT_SPEC.md', '--json'], {
      cwd: planted.repo.dir,
    });
    const report = JSON.parse(stdout) as GapReport;
    expect(summary(report)).toEqual(
      [
        'high feature-complete-without-evidence accounts',
        'high feature-complete-without-evidence cart',
        'high requirement-test-failing R1.2',
        'high requirement-test-failing search.e1',
        'medium test-unknown-requirement R9.9',
        'medium test-unknown-requirement checkout.ac7',
        'low vague-requirement R3.2',
        'low vague-requirement cart.e1',
      ].sort(),
    );
    expect(code).toBe(3);
  });

  // @req R15.4
  it('prints byte-identical JSON for the same tree twice, and writes it with --output', async () => {
    const first = await runBr(['gaps', 'analyze', '--json'], { cwd: planted.repo.dir });
    const second = await runBr(['gaps', 'analyze', '--json', '--output', 'gaps.json'], {
      cwd: planted.repo.dir,
    });
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).not.toContain(planted.repo.dir);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(`${planted.repo.dir}/gaps.json`, 'utf8')).toBe(first.stdout);
  });

  it('renders markdown with the findings and the matrix, exit 0 on the clean copy', async () => {
    const { stdout, code } = await runBr(['gaps', 'analyze'], { cwd: clean.repo.dir });
    expect(code).toBe(0);
    expect(stdout).toContain('## Findings\n\nNone.');
    expect(stdout).toContain('| R1.1 | verified |');
  });
});
