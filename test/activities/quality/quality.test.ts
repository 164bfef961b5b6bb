import { readFileSync } from 'node:fs';
import path from 'node:path';
import { complexFunctions, duplication } from '../../../activities/quality/code';
import { sourceFiles } from '../../../activities/quality/files';
import { DEFAULT_WEIGHTS, scoreQuality, type QualityMeasurements } from '../../../lib/quality';
import type { QualityReport } from '../../../services/quality';
import { runBr } from '../../helpers/cli';
import { makeRepo, type TempRepo } from '../../fixtures/repo';

// Real git repositories, an embedded database and the real tools: slow on a loaded machine.
jest.setTimeout(240_000);

const BLOCK = (name: string) => `function ${name}(items) {
  const out = [];
  for (const item of items) {
    if (item.price > 10 && item.stock > 0) out.push({ id: item.id, price: item.price * 0.9 });
    else out.push({ id: item.id, price: item.price });
  }
  return out.sort((a, b) => a.price - b.price).map((x) => x.id + ':' + x.price);
}
`;

const TANGLED = `function tangled(a, b, c) {
  let n = 0;
  for (let i = 0; i < a; i++) {
    if (b) {
      for (let j = 0; j < b; j++) {
        if (c && j % 2) { n += 1; } else if (c || i) { n -= 1; } else { while (n < 3) n++; }
      }
    } else if (a > 2 && (b || c)) {
      n = c ? (a ? 1 : 2) : 3;
    }
  }
  return n;
}
module.exports = { tangled };
`;

function makeProject(): TempRepo {
  const repo = makeRepo();
  repo.write('src/a.js', `${BLOCK('cheapFirst')}module.exports = { cheapFirst };\n`);
  repo.write('src/b.js', `${BLOCK('cheapFirstAgain')}module.exports = { cheapFirstAgain };\n`);
  repo.write('src/tangled.js', TANGLED);
  repo.write('src/typed.ts', 'export const n: number = "not a number";\n');
  repo.write(
    'tsconfig.json',
    '{ "compilerOptions": { "strict": true, "noEmit": true }, "include": ["src"] }\n',
  );
  repo.write(
    'eslint.config.js',
    "module.exports = [{ files: ['**/*.js'], rules: { 'no-unused-vars': 'error' } }];\n",
  );
  repo.write('src/unused.js', 'const unused = 1;\n');
  // Built at run time so no key-shaped text is committed.
  repo.write(
    'config/settings.js',
    `module.exports = { token: '${'ghp_'}${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}' };\n`,
  );
  repo.write(
    '.buildrunner/test-results.json',
    JSON.stringify({ numPassedTests: 3, numTotalTests: 4, testResults: [] }),
  );
  repo.write(
    'coverage/coverage-summary.json',
    JSON.stringify({
      total: { lines: { total: 200, covered: 150, pct: 75 }, branches: { total: 40, covered: 20, pct: 50 } },
    }),
  );
  repo.write('.gitignore', 'coverage/\n.buildrunner/\n');
  repo.commitAll('project');
  return repo;
}

const check = async (repo: TempRepo, ...args: string[]) => {
  const r = await runBr(['quality', 'check', '--json', ...args], { cwd: repo.dir });
  return { code: r.code, report: JSON.parse(r.stdout) as QualityReport, stdout: r.stdout };
};
const raw = (r: QualityReport) => Object.fromEntries(r.subScores.map((s) => [s.name, s.raw]));

describe('br quality check', () => {
  let repo: TempRepo;
  let firstRun: Awaited<ReturnType<typeof check>>;
  beforeAll(async () => {
    repo = makeProject();
    firstRun = await check(repo);
  });
  afterAll(() => repo.cleanup());

  // @req R15.5
  it('measures every sub-score with its tool and weights them into one score', () => {
    const { report, code } = firstRun;
    expect(raw(report)).toEqual({
      tests: '3/4 passed',
      lineCoverage: '150/200 lines',
      branchCoverage: '20/40 branches',
      typeErrors: '1 type errors',
      lintErrors: '1 lint errors',
      complexity: '1 functions over the limit',
      duplication: expect.stringMatching(/^\d+\/\d+ lines duplicated$/),
      secrets: '1 secret findings',
      gaps: 'no spec',
    });
    const dup = report.subScores.find((s) => s.name === 'duplication')!;
    expect(Number(dup.raw.split('/')[0])).toBeGreaterThanOrEqual(14);
    const measured = report.subScores.filter((s) => s.score !== null);
    const expected =
      measured.reduce((a, s) => a + s.score! * s.weight, 0) / measured.reduce((a, s) => a + s.weight, 0);
    expect(report.score).toBeCloseTo(expected, 1);
    expect(report.passed).toBe(false);
    expect(code).toBe(1);
  });

  // @req R15.6
  it('gives byte-identical JSON twice, and the same figures whatever order the files are read in', async () => {
    const second = await check(repo);
    expect(second.stdout).toBe(firstRun.stdout);
    const files = await sourceFiles(repo.dir, String.raw`\.[cm]?[jt]sx?$`);
    const reversed = [...files].reverse();
    const shuffled = [files[2]!, files[0]!, ...files.slice(3), files[1]!];
    for (const order of [reversed, shuffled]) {
      expect(await duplication(repo.dir, order, null)).toEqual(await duplication(repo.dir, files, null));
      expect(await complexFunctions(repo.dir, order, 15, null)).toBe(
        await complexFunctions(repo.dir, files, 15, null),
      );
    }
    const m: QualityMeasurements = {
      tests: { passed: 3, total: 4 },
      lineCoverage: null,
      branchCoverage: { covered: 1, total: 3 },
      typeErrors: 2,
      lintErrors: 0,
      complexity: 1,
      duplication: { duplicatedLines: 7, totalLines: 100 },
      secrets: 0,
      gaps: 1,
    };
    expect(scoreQuality(m, DEFAULT_WEIGHTS, 80)).toEqual(scoreQuality({ ...m }, { ...DEFAULT_WEIGHTS }, 80));
  });

  it('passes at or above --threshold', async () => {
    expect(firstRun.code).toBe(1);
    const lowered = await check(repo, '--threshold', String(Math.floor(firstRun.report.score)));
    expect(lowered.code).toBe(0);
    expect(lowered.report.score).toBe(firstRun.report.score);
  });

  // @req R15.7
  it('scores only the lines changed since a ref with --new-code', async () => {
    const base = repo.git('rev-parse', 'HEAD');
    repo.write('src/clean.js', 'module.exports = { add: (a, b) => a + b };\n');
    const { report } = await check(repo, '--new-code', base);
    expect(report.files).toBe(1);
    expect(raw(report)).toMatchObject({
      typeErrors: '0 type errors',
      lintErrors: '0 lint errors',
      complexity: '0 functions over the limit',
      secrets: '0 secret findings',
      duplication: '0/2 lines duplicated',
    });
  });

  // @req R15.7
  it('fails with --ratchet when a sub-score falls below the recorded baseline', async () => {
    const first = await check(repo, '--ratchet', '--threshold', '0');
    expect(first.report.ratchet).toMatchObject({ recorded: true, regressions: [] });
    const baseline = JSON.parse(
      readFileSync(path.join(repo.dir, '.buildrunner/quality-baseline.json'), 'utf8'),
    );
    expect(baseline.subScores.lintErrors).toBe(90);
    repo.write('src/more.js', 'const alsoUnused = 2;\n');
    const second = await check(repo, '--ratchet', '--threshold', '0');
    expect(second.code).toBe(1);
    expect(second.report.ratchet!.regressions).toEqual([{ name: 'lintErrors', baseline: 90, score: 80 }]);
  });
});
