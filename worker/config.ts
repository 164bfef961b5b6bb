import type { BuildRunnerConfig } from '../lib/config';
import { badValue } from '../lib/errors';
import { modelQueueName } from '../lib/ids';

/** The queues a `br worker` polls, from the config: one build queue, one queue per catalog model. */

export type QueueKind = 'build' | 'claude';
export const QUEUE_KINDS: readonly QueueKind[] = ['build', 'claude'];

export interface QueuePlan {
  kind: QueueKind;
  taskQueue: string;
  /** Set for a Claude queue: the model whose calls it serves. */
  model?: string;
}

export function modelTaskQueue(config: BuildRunnerConfig, model: string): string {
  return modelQueueName(config.temporal.modelTaskQueuePrefix, model);
}

export function parseQueueKinds(value: string | undefined): QueueKind[] {
  if (!value) return [...QUEUE_KINDS];
  const kinds = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = kinds.filter((k) => !QUEUE_KINDS.includes(k as QueueKind));
  if (bad.length || kinds.length === 0)
    throw badValue(
      `Unknown queue kind(s) ${bad.map((b) => `"${b}"`).join(', ') || '(none)'}: use --queues build,claude, or one of them.`,
    );
  return [...new Set(kinds as QueueKind[])];
}

/** `--models haiku,claude-opus-5-5`: catalog model ids (or tiers) whose Claude queues this worker polls. */
export function parseModels(config: BuildRunnerConfig, value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const catalog = config.models.models;
  const picked = new Set<string>();
  for (const name of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const matches = catalog.filter((m) => m.id === name || m.tier === name);
    if (!matches.length)
      throw badValue(
        `Unknown model "${name}": use a model id or tier from the catalog (${catalog.map((m) => `${m.id} (${m.tier})`).join(', ')}).`,
      );
    for (const m of matches) picked.add(m.id);
  }
  return [...picked];
}

export function queuePlan(
  config: BuildRunnerConfig,
  kinds: readonly QueueKind[] = QUEUE_KINDS,
  models?: readonly string[],
): QueuePlan[] {
  const plan: QueuePlan[] = [];
  if (kinds.includes('build')) plan.push({ kind: 'build', taskQueue: config.temporal.taskQueue });
  if (kinds.includes('claude'))
    for (const m of config.models.models)
      if (!models || models.includes(m.id))
        plan.push({ kind: 'claude', taskQueue: modelTaskQueue(config, m.id), model: m.id });
  return plan;
}

/** Defaults for one worker process; a fleet-wide per-model limit is set on the task queue instead. */
export const WORKER_DEFAULTS = {
  maxConcurrentActivities: 8,
  /** Running activities get this long to finish (or heartbeat-cancel) on SIGINT/SIGTERM. */
  shutdownGraceTime: '30 seconds',
} as const;

/**
 * Heartbeat details are what `br build watch` shows (turn, last tool): sent within this long instead of
 * the SDK's default 80 % of the heartbeat timeout.
 */
export const HEARTBEAT_THROTTLE = '2 seconds';

/**
 * How long a workflow task waits on this worker's sticky queue before any worker may take it (SDK
 * default 10 s). A dead worker's sticky queue is only known dead some seconds after its last poll, so a
 * task workflow woken by its agent's heartbeat timeout (10 s) could wait out the whole 10 s there:
 * 3 s bounds that part of a takeover (`npm run bench -- takeover`). A healthy worker starts its sticky
 * tasks within milliseconds (it polls its sticky queue all the time), so it never waits this long.
 */
export const STICKY_QUEUE_TIMEOUT = '3 seconds';
