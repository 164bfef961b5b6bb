import { ApplicationFailure } from '@temporalio/common';
import Decimal from 'decimal.js';
import type { Database } from '../lib/db/connection';
import { UserError } from '../lib/errors';
import type { FailureDetails } from '../lib/failures';
import type { Plan } from '../lib/plan';
import { decideFallback, initialFallbackState, UnknownFailureError } from '../workflows/core/fallback';
import type { ServiceContext } from './context';

/**
 * Claude planning from the CLI (`br plan`, `br build start`) under the build's own fallback policy
 * (workflows/core/fallback.ts): rate limit → wait retry-after on the same model, overloaded → back
 * off and try the next model, server errors → back off and retry, timeout → a faster model,
 * auth / invalid request / invalid plan → stop. Waits are announced through `notice`, and the whole
 * run is bounded by `maxTotalMs` so a terminal never hangs on a struggling API.
 */

/** Longest a CLI planning run may take, waits included. */
export const PLANNING_TOTAL_MS = 10 * 60_000;

export interface PlanningFailure {
  type: string;
  message: string;
  model: string;
  costUsd: string;
}

export class PlanningError extends UserError {
  constructor(
    message: string,
    hint: string,
    code: string,
    readonly attempts: PlanningFailure[],
    readonly costUsd: string,
  ) {
    super(message, { code, hint });
  }
}

export interface PlanWithFallbackOptions {
  db: Database;
  apiKey: string;
  project: string;
  spec: string;
  buildId: string;
  notice?: (line: string) => void;
  maxTotalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const HINTS: Record<string, string> = {
  AUTH: 'Check ANTHROPIC_API_KEY (it was rejected), or plan offline with --heuristic-plan.',
  INVALID_REQUEST: 'The API refused the request; plan offline with --heuristic-plan and report the message.',
  INVALID_PLAN:
    'Claude could not produce a valid plan. Make the spec\'s "Depends on" lines and headings clearer, or plan offline with --heuristic-plan.',
  QUOTA_EXHAUSTED:
    'The account reached a usage or spend limit. Raise it in the Anthropic console, or use --heuristic-plan.',
};

export async function planWithFallback(
  ctx: ServiceContext,
  options: PlanWithFallbackOptions,
): Promise<{ plan: Plan; costUsd: string; attempts: PlanningFailure[] }> {
  const { createAnthropicClient } = await import('../activities/claude/client');
  const { planWithClaude, defaultPlannerModel } = await import('../activities/claude/planner');
  const { callKeyPrefix } = await import('../activities/claude/activity-context');
  const catalog = ctx.config.models;
  const client = createAnthropicClient(ctx.config, options.apiKey);
  const sleep = options.sleep ?? defaultSleep;
  const maxTotalMs = options.maxTotalMs ?? PLANNING_TOTAL_MS;
  const started = Date.now();
  let state = initialFallbackState(defaultPlannerModel(catalog), 'complex');
  let spent = new Decimal(0);
  const attempts: PlanningFailure[] = [];
  // This run's own keys (a process id, not the clock): two runs of one spec never share a cost row.
  const run = callKeyPrefix(`${options.buildId}/cli`);

  for (let attempt = 1; ; attempt++) {
    try {
      const result = await planWithClaude({
        client,
        db: options.db,
        catalog,
        project: options.project,
        spec: options.spec,
        buildId: options.buildId,
        model: state.model,
        // Each try of each run gets its own cost-row keys: a retry is a new call, never a replay.
        fallbackKeyPrefix: `${run}/a${attempt}`,
        apiKey: options.apiKey,
      });
      return { plan: result.plan, costUsd: spent.plus(result.costUsd).toFixed(), attempts };
    } catch (err) {
      if (!(err instanceof ApplicationFailure)) throw err;
      const details = (err.details?.[0] ?? {}) as FailureDetails;
      spent = spent.plus(details.costUsd ?? '0');
      const type = err.type ?? 'UNKNOWN';
      attempts.push({ type, message: err.message, model: state.model, costUsd: details.costUsd ?? '0' });
      let next;
      try {
        next = decideFallback({
          type,
          details,
          state,
          catalog,
          maxAttempts: ctx.config.routing.maxAttemptsPerTask,
        });
      } catch (unknown) {
        if (unknown instanceof UnknownFailureError) throw err;
        throw unknown;
      }
      const { decision } = next;
      if (decision.action === 'stop' || decision.action === 'wait-for-breaker')
        throw failed(type, decision.label, attempts, spent);
      const elapsed = Date.now() - started;
      if (elapsed + decision.waitMs > maxTotalMs)
        throw failed(
          type,
          `gave up: waiting ${Math.ceil(decision.waitMs / 1000)}s more would pass the ${Math.round(maxTotalMs / 1000)}s planning limit`,
          attempts,
          spent,
        );
      const wait = decision.waitMs ? `waiting ${formatSeconds(decision.waitMs)}, then ` : '';
      const what =
        decision.model === state.model ? `retrying ${decision.model}` : `switching to ${decision.model}`;
      options.notice?.(`Planning: ${err.message} — ${wait}${what} (attempt ${attempt + 1}).`);
      if (decision.waitMs) await sleep(decision.waitMs);
      state = next.state;
    }
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

function failed(type: string, why: string, attempts: PlanningFailure[], spent: Decimal): PlanningError {
  const lines = attempts.map((a, i) => `  ${i + 1}. ${a.model}: ${a.message.replace(/\n/g, '\n     ')}`);
  const cost = `The failed planning cost $${spent.toFixed()}` + ` over ${attempts.length} attempt(s).`;
  return new PlanningError(
    `Planning with Claude failed (${type}; ${why}).\n${lines.join('\n')}\n${cost}`,
    HINTS[type] ?? 'Try again later, or plan offline with --heuristic-plan.',
    type,
    attempts,
    spent.toFixed(),
  );
}
