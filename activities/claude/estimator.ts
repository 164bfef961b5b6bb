import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { ComplexityEstimate } from '../../lib/contracts';
import type { Database } from '../../lib/db/connection';
import { modelsOfTier, TIER_ORDER, type ModelCatalog, type ModelTier } from '../../lib/models';
import type { PlannedTask } from '../../lib/plan';
import { FailureClass } from '../../lib/failures';
import { failure } from '../failure';
import { askStructured } from './structured';

/** The AI complexity estimator: one call on a small model rates every task of the plan. */

const estimateSchema = z.strictObject({
  taskId: z.string().min(1),
  level: z.enum(['simple', 'moderate', 'complex', 'critical']),
  score: z.number().int().min(0).max(100),
  reasons: z.array(z.string().min(1)).min(1).max(6),
  recommendedTier: z.enum(TIER_ORDER as [ModelTier, ...ModelTier[]]),
});

const answerSchema = z.strictObject({ estimates: z.array(estimateSchema).min(1) });

const SYSTEM = `You estimate the complexity of coding tasks so each one can be routed to a model tier
(haiku = cheap and fast, sonnet = strong, opus = strongest). Levels: simple (a small local change),
moderate (a feature across a few files), complex (cross-cutting work or tricky logic), critical
(security, payments, data migrations, concurrency, or anything where a mistake is costly).
Score 0-100 grows with difficulty and risk. Give short concrete reasons.
Answer by calling submit_estimates exactly once with one estimate per task id. Do not answer in prose.`;

export interface AiEstimateInput {
  client: Anthropic;
  db: Database;
  catalog: ModelCatalog;
  buildId: string;
  tasks: PlannedTask[];
  model?: string;
  fallbackKeyPrefix: string;
  apiKey?: string;
}

export function defaultEstimatorModel(catalog: ModelCatalog): string {
  const model = modelsOfTier(catalog, 'haiku')[0] ?? catalog.models[0];
  if (!model)
    throw failure(
      FailureClass.CONFIG_INVALID,
      'The model catalog is empty: add models to buildrunner.config.json.',
    );
  return model.id;
}

function describe(task: PlannedTask): string {
  return [
    `id: ${task.id}`,
    `title: ${task.title}`,
    `description: ${task.description}`,
    `acceptance: ${task.acceptance.join('; ') || '(none)'}`,
    `files: ${task.files.join(', ') || '(none given)'}`,
    `depends on: ${task.dependsOn.join(', ') || '(nothing)'}`,
  ].join('\n');
}

export async function estimateWithClaude(
  input: AiEstimateInput,
): Promise<{ estimates: Record<string, ComplexityEstimate>; costUsd: string }> {
  const model = input.model ?? defaultEstimatorModel(input.catalog);
  const ids = new Set(input.tasks.map((t) => t.id));
  const result = await askStructured({
    client: input.client,
    db: input.db,
    catalog: input.catalog,
    scope: {
      purpose: 'estimate',
      requestedModel: model,
      buildId: input.buildId,
      fallbackKeyPrefix: input.fallbackKeyPrefix,
    },
    model,
    maxTokens: 8_000,
    system: SYSTEM,
    prompt: `Tasks:\n\n${input.tasks.map(describe).join('\n\n')}`,
    toolName: 'submit_estimates',
    toolDescription: 'Submit one complexity estimate for every task id.',
    schema: answerSchema,
    check: (answer) => {
      const seen = new Set(answer.estimates.map((e) => e.taskId));
      return [
        ...[...ids].filter((id) => !seen.has(id)).map((id) => `estimates: task "${id}" has no estimate`),
        ...[...seen]
          .filter((id) => !ids.has(id))
          .map((id) => `estimates: "${id}" is not a task id of this plan`),
      ];
    },
    apiKey: input.apiKey,
  });
  const estimates: Record<string, ComplexityEstimate> = {};
  for (const { taskId, ...estimate } of result.value.estimates) estimates[taskId] = estimate;
  return { estimates, costUsd: result.costUsd.toFixed() };
}
