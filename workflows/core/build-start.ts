import type { ComplexityEstimate } from '../../lib/contracts';
import type { Plan } from '../../lib/plan';
import type { BudgetLedger } from './budget';
import { buildRecord } from './build-records';
import type { Outbox } from './outbox';
import { notifyStarted } from './build-notify';
import type { BuildPort } from './port';
import { FailedStep } from './step';
import type { BuildWorkflowInput } from './types';

/** The first run of a build puts it on record (RUNNING), with a BUILD_STARTED event and every estimate. */
export async function recordStart(
  b: { port: BuildPort; input: BuildWorkflowInput; ledger: BudgetLedger; outbox: Outbox; startedAt: number },
  plan: Plan,
  estimates: Record<string, ComplexityEstimate>,
): Promise<void> {
  const { port, input, outbox } = b;
  try {
    await port.activities.recordBuild(
      buildRecord(input, b.ledger, plan.tasks.length, b.startedAt, 'RUNNING'),
    );
  } catch (err) {
    throw new FailedStep('Recording the build', err);
  }
  notifyStarted(outbox.notifier, input, plan);
  outbox.event('BUILD_STARTED', undefined, {
    tasks: plan.tasks.length,
    budgetUsd: input.budgetUsd,
    parallel: input.parallel,
  });
  for (const t of plan.tasks) outbox.event('COMPLEXITY_ESTIMATED', t.id, { ...estimates[t.id] });
}
