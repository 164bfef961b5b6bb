import { tmpdir } from 'node:os';
import { parseConfig } from '../../lib/config';
import { parseModels, parseQueueKinds, queuePlan } from '../../worker/config';
import { runBr } from '../helpers/cli';

describe('worker queues', () => {
  const config = parseConfig({ temporal: { taskQueue: 'br', modelTaskQueuePrefix: 'br-claude-' } });

  it('polls the build queue and one queue per catalog model by default', () => {
    expect(queuePlan(config).map((q) => q.taskQueue)).toEqual([
      'br',
      'br-claude-claude-haiku-5-5',
      'br-claude-claude-sonnet-5-5',
      'br-claude-claude-opus-5-5',
    ]);
  });

  it('polls only the Claude queues with --queues claude', () => {
    const plan = queuePlan(config, parseQueueKinds('claude'));
    expect(plan.every((q) => q.kind === 'claude' && q.model && q.taskQueue === `br-claude-${q.model}`)).toBe(
      true,
    );
  });

  it("polls only the named models' Claude queues with --models (ids or tiers)", () => {
    const models = parseModels(config, 'haiku,claude-opus-5-5');
    expect(queuePlan(config, undefined, models).map((q) => q.taskQueue)).toEqual([
      'br',
      'br-claude-claude-haiku-5-5',
      'br-claude-claude-opus-5-5',
    ]);
    expect(() => parseModels(config, 'gpt')).toThrow(/Unknown model "gpt".*claude-haiku-5-5 \(haiku\)/);
  });

  it('rejects an unknown queue kind and names the valid ones', () => {
    expect(() => parseQueueKinds('build,gpu')).toThrow(/"gpu".*--queues build,claude/);
  });
});

describe('br worker', () => {
  it('exits 1 with what to do when the Temporal server is unreachable', async () => {
    const result = await runBr(['worker'], { cwd: tmpdir(), env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });
    expect(result.code).toBe(1);
    expect(result.stderr + result.stdout).toMatch(
      /Cannot reach the Temporal server at 127\.0\.0\.1:1.*br dev/s,
    );
  }, 30_000);

  it('describes itself in the help with an example', async () => {
    const result = await runBr(['worker', '--help']);
    expect(result.stdout).toContain('--max-concurrent-activities');
    expect(result.stdout).toContain('worker --queues claude');
  });
});
