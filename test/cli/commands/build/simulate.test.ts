import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBr } from '../../../helpers/cli';

const SPEC = [
  '# Shop',
  '## Feature: Catalog',
  '- [ ] Product list endpoint in `src/products.ts`',
  '- [ ] Product search in `src/search.ts`',
  '## Feature: Checkout',
  'Depends on: Catalog',
  '- [ ] Stripe payment and refunds in `src/payments.ts`',
  '- [ ] Order confirmation email in `src/mail.ts`',
].join('\n');

describe('br build simulate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'br-sim-'));
    writeFileSync(path.join(dir, 'PROJECT_SPEC.md'), SPEC);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('forecasts makespan, cost range and escalations with its assumptions, the same for the same seed', async () => {
    const args = ['build', 'simulate', 'PROJECT_SPEC.md', '--runs', '40', '--parallel', '2', '--json'];
    const a = await runBr(args, { cwd: dir });
    const b = await runBr(args, { cwd: dir });
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const report = JSON.parse(a.stdout);
    expect(report.plan).toMatchObject({ tasks: 4, features: 2, dependencies: 4, criticalPathTasks: 2 });
    expect(report.runs).toBe(40);
    expect(report.makespanMinutes.p90).toBeGreaterThanOrEqual(report.makespanMinutes.p50);
    expect(report.makespanMinutes.p50).toBeGreaterThan(0);
    expect(Number(report.costUsd.p90)).toBeGreaterThanOrEqual(Number(report.costUsd.p10));
    expect(report.outcomes.SUCCEEDED + report.outcomes.PARTIAL + report.outcomes.FAILED).toBe(40);
    expect(report.assumptions.successByTier.opus.critical).toBeGreaterThan(0);
  });

  it('shows budget stops when the budget is too small', async () => {
    const r = await runBr(
      ['build', 'simulate', 'PROJECT_SPEC.md', '--runs', '10', '--budget', '0.01', '--json'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.outcomes.BUDGET_EXHAUSTED).toBe(10);
    expect(Number(report.costUsd.p90)).toBeLessThan(1);
  });

  it('prints a readable forecast with the assumptions stated', async () => {
    const r = await runBr(['build', 'simulate', 'PROJECT_SPEC.md', '--runs', '5'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Makespan: +p50 [\d.]+ min, p90 [\d.]+ min/);
    expect(r.stdout).toMatch(/Assumptions \(not measurements\)/);
  });

  it('tells the user what to do when the spec is missing', async () => {
    const r = await runBr(['build', 'simulate', 'NOPE.md'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/NOPE\.md not found/);
  });
});
