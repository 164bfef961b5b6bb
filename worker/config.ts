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
