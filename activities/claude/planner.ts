import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { Database } from '../../lib/db/connection';
import { modelsOfTier, type ModelCatalog } from '../../lib/models';
import { validatePlan, type Plan } from '../../lib/plan';
import { FailureClass } from '../../lib/failures';
import { failure } from '../failure';
import { askStructured } from './structured';

/**
 * The Claude planner: spec markdown → Plan through one tool call validated with zod and validatePlan
 * (duplicate ids, unknown dependencies, cycles). Invalid answers get one repair round-trip.
 */

const taskId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'task ids are lowercase kebab-case, e.g. "auth-login-form"');

export const plannedTaskSchema = z.strictObject({
  id: taskId,
  title: z.string().min(1).max(200),
  description: z.string().min(1),
  acceptance: z.array(z.string().min(1)).min(1),
  dependsOn: z.array(taskId),
  files: z.array(z.string().min(1)),
  features: z.array(z.string().min(1)).optional(),
  requirementIds: z.array(z.string().min(1)).optional(),
});

export const planAnswerSchema = z.strictObject({ tasks: z.array(plannedTaskSchema).min(1) });

export type PlanAnswer = z.output<typeof planAnswerSchema>;

const SYSTEM = `You are the planner of BuildRunner, which implements software projects as a graph of coding tasks.
Each task is done by a separate coding agent in its own git worktree, then committed and merged.
Decompose the spec into small, independently verifiable tasks (each one a focused change of a few files).
Rules:
- ids are unique lowercase kebab-case;
- dependsOn lists only ids of other tasks in the plan, never forming a cycle;
- files lists the repository-relative paths the task expects to create or change; two tasks that touch the same file should depend on each other;
- acceptance lists concrete, checkable criteria taken from the spec;
- requirementIds lists the ids of the spec requirements the task serves when the spec writes them (e.g. R1.2).
Answer by calling the submit_plan tool exactly once with the whole plan. Do not answer in prose.`;

export interface ClaudePlanInput {
  client: Anthropic;
  db: Database;
  catalog: ModelCatalog;
  project: string;
  spec: string;
  buildId: string;
  model?: string;
  fallbackKeyPrefix: string;
  apiKey?: string;
}

export function defaultPlannerModel(catalog: ModelCatalog): string {
  const model = modelsOfTier(catalog, 'sonnet')[0] ?? catalog.models[0];
  if (!model)
    throw failure(
      FailureClass.CONFIG_INVALID,
      'The model catalog is empty: add models to buildrunner.config.json.',
    );
  return model.id;
}

export async function planWithClaude(input: ClaudePlanInput): Promise<{ plan: Plan; costUsd: string }> {
  const model = input.model ?? defaultPlannerModel(input.catalog);
  const toPlan = (answer: PlanAnswer): Plan => ({
    project: input.project,
    source: 'claude',
    tasks: answer.tasks,
  });
  const result = await askStructured({
    client: input.client,
    db: input.db,
    catalog: input.catalog,
    scope: {
      purpose: 'plan',
      requestedModel: model,
      buildId: input.buildId,
      fallbackKeyPrefix: input.fallbackKeyPrefix,
    },
    model,
    maxTokens: 32_000,
    system: SYSTEM,
    prompt: `Project: ${input.project}\n\nSpec:\n<spec>\n${input.spec}\n</spec>`,
    toolName: 'submit_plan',
    toolDescription:
      'Submit the complete build plan: every task with its dependencies, expected files and acceptance criteria.',
    schema: planAnswerSchema,
    check: (answer) => validatePlan(toPlan(answer)).map((p) => p.message),
    apiKey: input.apiKey,
  });
  return { plan: toPlan(result.value), costUsd: result.costUsd.toFixed() };
}
