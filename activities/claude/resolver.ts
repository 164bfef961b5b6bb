import type Anthropic from '@anthropic-ai/sdk';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { Database } from '../../lib/db/connection';
import { FailureClass, type FailureDetails } from '../../lib/failures';
import type { ModelCatalog } from '../../lib/models';
import { findModel } from '../../lib/models';
import { answerProblems, type ConflictAnswer, type ConflictQuestion } from '../git/resolve';
import { askStructured } from './structured';

/**
 * Claude's side of a merge-conflict resolution: one structured call (one repair round for an unusable
 * answer) that gets both sides of every conflicted file and both tasks' intents, and answers with the
 * whole resolved content of each file, or gives up. Every call is a cost row (purpose
 * "merge-resolution"); an answer still unusable after the repair is a give-up, with its cost.
 */

const answerSchema = z.strictObject({
  resolved: z.boolean(),
  files: z.array(z.strictObject({ path: z.string().min(1), content: z.string() })),
  reason: z.string().optional(),
});

const SYSTEM = `You resolve git merge conflicts for BuildRunner, which builds software with several coding tasks in parallel.
Two tasks changed the same files. The build branch already holds the other tasks' changes; the task branch holds this task's change.
Keep both: the result must do what both sides intended (e.g. both routes, both scripts, both exports), in the file's own style.
Answer by calling resolve_conflict once with the whole resolved content of every conflicted file, without conflict markers.
If both changes cannot be kept together, call it with resolved=false, no files, and the reason.`;

export interface ResolverScope {
  client: Anthropic;
  db: Database;
  catalog: ModelCatalog;
  model: string;
  buildId: string;
  taskId: string;
  attempt: number;
  fallbackKeyPrefix: string;
  apiKey?: string;
}

const side = (label: string, text: string | null) =>
  `${label}:\n${text === null ? '(the file does not exist on this side)' : '```\n' + text + '\n```'}`;

export function resolutionPrompt(q: ConflictQuestion): string {
  const files = q.files
    .map((f) =>
      [
        `## ${f.path}`,
        side('Common ancestor', f.base),
        side('Build branch (the other tasks)', f.build),
        side(`Task branch (task ${q.taskId})`, f.task),
      ].join('\n\n'),
    )
    .join('\n\n');
  return [
    `# This task (${q.taskId})\n${q.taskIntent}`,
    `# What the other tasks did to these files on the build branch\n${q.buildIntent || '(no commit messages)'}`,
    `# Conflicted files\n${files}`,
  ].join('\n\n');
}

export async function askResolution(
  scope: ResolverScope,
  q: ConflictQuestion,
): Promise<{ answer: ConflictAnswer; costUsd: string }> {
  const paths = q.files.map((f) => f.path);
  const chars = q.files.reduce((n, f) => n + Math.max(f.build?.length ?? 0, f.task?.length ?? 0), 0);
  const maxOutput = findModel(scope.catalog, scope.model)?.maxOutputTokens ?? 32_000;
  try {
    const { value, costUsd } = await askStructured({
      client: scope.client,
      db: scope.db,
      catalog: scope.catalog,
      scope: {
        purpose: 'merge-resolution',
        requestedModel: scope.model,
        buildId: scope.buildId,
        taskKey: scope.taskId,
        attempt: scope.attempt,
        fallbackKeyPrefix: scope.fallbackKeyPrefix,
      },
      model: scope.model,
      maxTokens: Math.min(maxOutput, 4_096 + Math.ceil((chars * 2) / 3)),
      system: SYSTEM,
      prompt: resolutionPrompt(q),
      toolName: 'resolve_conflict',
      toolDescription:
        'Submit the resolved content of every conflicted file, or resolved=false with the reason.',
      schema: answerSchema,
      check: (a) => (a.resolved ? answerProblems(paths, a.files) : []),
      apiKey: scope.apiKey,
    });
    const answer: ConflictAnswer = value.resolved
      ? { files: value.files }
      : { gaveUp: value.reason?.trim() || 'no reason given' };
    return { answer, costUsd: costUsd.toFixed() };
  } catch (err) {
    // An answer still unusable after its repair round is a give-up; the calls are paid and recorded.
    if (err instanceof ApplicationFailure && err.type === FailureClass.INVALID_PLAN) {
      const details = err.details?.[0] as FailureDetails | undefined;
      return { answer: { gaveUp: err.message }, costUsd: details?.costUsd ?? '0' };
    }
    throw err;
  }
}
