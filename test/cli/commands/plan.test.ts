import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PlanReport } from '../../../services/plan';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { runBr } from '../../helpers/cli';
import { makeTestKey, tempDir } from '../../fixtures/claude';

const SPEC = `# Shop

## Cart
- [ ] Add items to the cart

## Checkout
- [ ] Pay with a card (depends on: Cart)
`;

const claudePlan = {
  tasks: [
    {
      id: 'cart',
      title: 'Cart',
      description: 'A cart with add and remove.',
      acceptance: ['items can be added'],
      dependsOn: [],
      files: ['src/cart.ts'],
    },
    {
      id: 'checkout',
      title: 'Checkout with card payment',
      description: 'Payment checkout flow with stripe.',
      acceptance: ['a card payment succeeds'],
      dependsOn: ['cart'],
      files: ['src/checkout.ts'],
    },
  ],
};

// The first Claude run creates and migrates an on-disk PGlite database, slow on a shared 2-core machine.
jest.setTimeout(90_000);

describe('br plan', () => {
  const key = makeTestKey();
  let server: FakeAnthropic;
  let tmp: { dir: string; cleanup: () => void };

  beforeAll(async () => {
    server = await startFakeAnthropic();
    tmp = tempDir('br-plan-');
    writeFileSync(path.join(tmp.dir, 'SPEC.md'), SPEC);
    writeFileSync(path.join(tmp.dir, 'buildrunner.config.json'), JSON.stringify({ project: 'shop' }));
  });
  afterAll(async () => {
    await server.close();
    tmp.cleanup();
  });
  const br = (args: string[], env: Record<string, string | undefined> = {}) =>
    runBr(['plan', 'SPEC.md', ...args], {
      cwd: tmp.dir,
      env: { ANTHROPIC_API_KEY: undefined, ANTHROPIC_BASE_URL: server.url, DATABASE_URL: undefined, ...env },
    });

  it('plans with Claude when a key is set and prints the service result as JSON', async () => {
    server.enqueue(
      toolUse('submit_plan', claudePlan, { usage: { input_tokens: 3000, output_tokens: 1000 } }),
    );
    const { code, stdout, stderr } = await br(['--json'], { ANTHROPIC_API_KEY: key });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as PlanReport;
    expect(report).toMatchObject({
      project: 'shop',
      planner: 'claude',
      estimator: 'heuristic',
      note: null,
      spentUsd: '0.016',
    });
    expect(report.tasks.map((t) => [t.id, t.dependsOn])).toEqual([
      ['cart', []],
      ['checkout', ['cart']],
    ]);
    const checkout = report.tasks.find((t) => t.id === 'checkout')!;
    expect(checkout.complexity).not.toBe('simple');
    expect(checkout.model).toMatch(/^claude-/);
    const sum = report.tasks.reduce((s, t) => s + Number(t.costUsd.low), 0);
    expect(Number(report.forecast.low)).toBeCloseTo(sum, 10);
    expect(Number(report.forecast.high)).toBeGreaterThan(Number(report.forecast.low));
    expect(stdout).not.toContain(key);
  });

  it('renders a table with ids, dependencies, complexity, models and a total forecast', async () => {
    server.enqueue(toolUse('submit_plan', claudePlan));
    const { code, stdout } = await br(['--ai-plan'], { ANTHROPIC_API_KEY: key });
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /Plan for shop from SPEC\.md \(claude planner, heuristic estimates\): 2 task\(s\)/,
    );
    expect(stdout).toMatch(/^#\s+ID\s+TITLE\s+AFTER #\s+COMPLEXITY\s+MODEL\s+COST \(USD\)$/m);
    expect(stdout).toMatch(
      /^2\s+checkout\s+Checkout with card payment\s+1\s+\w+ \(\d+\)\s+claude-\S+\s+[\d.]+ – [\d.]+$/m,
    );
    expect(stdout).toMatch(/^Forecast: \$[\d.]+ – \$[\d.]+ \(prices anthropic-2026-10-07\)$/m);
  });

  it('falls back to the heuristic planner with a one-line note when there is no key', async () => {
    const before = server.requests.length;
    const { code, stdout, stderr } = await br([]);
    expect(code).toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/No ANTHROPIC_API_KEY found: used the offline heuristic planner/);
    expect(stdout).toMatch(/\(heuristic planner, heuristic estimates\)/);
    expect(server.requests.length).toBe(before);
  });

  it('plans offline with --heuristic-plan and estimates with Claude on --ai-estimate', async () => {
    const offline = JSON.parse((await br(['--heuristic-plan', '--json'])).stdout) as PlanReport;
    expect(offline.planner).toBe('heuristic');
    expect(offline.spentUsd).toBe('0');
    expect(offline.tasks.length).toBe(2);
    const [cart, pay] = offline.tasks;
    expect(pay!.dependsOn).toContain(cart!.id);

    server.enqueue(
      toolUse('submit_estimates', {
        estimates: offline.tasks.map((t) => ({
          taskId: t.id,
          level: 'critical',
          score: 95,
          reasons: ['money'],
          recommendedTier: 'opus',
        })),
      }),
    );
    const { code, stdout, stderr } = await br(['--heuristic-plan', '--ai-estimate', '--json'], {
      ANTHROPIC_API_KEY: key,
    });
    expect([code, stderr]).toEqual([0, '']);
    const report = JSON.parse(stdout) as PlanReport;
    expect(report.estimator).toBe('ai');
    expect(report.tasks.map((t) => [t.complexity, t.model])).toEqual([
      ['critical', 'claude-opus-5-5'],
      ['critical', 'claude-opus-5-5'],
    ]);
    expect(server.requests.at(-1)!.body.model).toBe('claude-haiku-5-5');
  });

  it('explains how to set the key when --ai-plan is asked for without one', async () => {
    const { code, stdout, stderr } = await br(['--ai-plan']);
    expect(code).toBe(1);
    expect(stdout + stderr).toMatch(/ANTHROPIC_API_KEY is not set/);
  });

  it('reports a Claude failure with its class and exits 1', async () => {
    server.enqueue({
      kind: 'error',
      status: 401,
      type: 'authentication_error',
      message: 'invalid x-api-key',
    });
    const { code, stdout, stderr } = await br(['--ai-plan'], { ANTHROPIC_API_KEY: key });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /Planning with Claude failed \(AUTH; stop: AUTH is not retryable\)\.\n {2}1\. claude-\S+: Claude API/,
    );
    expect(stdout).toBe('');
    expect(stdout + stderr).not.toContain(key);
  });

  it('refuses --heuristic-plan together with --ai-plan', async () => {
    const { code, stdout, stderr } = await br(['--heuristic-plan', '--ai-plan']);
    expect(code).toBe(2);
    expect(stdout + stderr).toMatch(/Choose one of --heuristic-plan and --ai-plan/);
  });
});
