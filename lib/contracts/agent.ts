/** The coding-agent activity: arguments and result. */
export type AgentEngine = 'builtin' | 'claude-code';

import type { TokenUsage } from '../models';
import type { PlannedTask } from '../plan';
import type { RemoteTask } from './git';

export interface RunAgentInput {
  buildId: string;
  taskId: string;
  attempt: number;
  model: string;
  worktreePath: string;
  /** Commit the worktree must be reset to before the agent starts (a retried attempt never sees half-applied edits). */
  baseCommit: string;
  task: PlannedTask;
  /** Hook or verification output from the previous attempt, for a repair attempt. */
  repairFeedback?: string;
  /** The attempt stops when it has spent this much (decimal string). */
  budgetUsd: string;
  /** The attempt stops once its calls have used this many tokens (input, output and cache); no cap when absent. */
  maxTokens?: number;
  /** A remote build's task: the worker running the agent makes its own worktree from it. */
  remote?: RemoteTask;
  /** The build's engine choice; absent: the worker's configured agent.engine. */
  engine?: AgentEngine;
}

export interface RunAgentResult {
  outcome: 'finished';
  summary: string;
  turns: number;
  usage: TokenUsage;
  costUsd: string;
  /** The model the API actually served (may carry a date suffix). */
  servedModel: string;
  /**
   * The claude-code engine's own figure (its total_cost_usd, its price table), kept for comparison only:
   * budgets and reports use BuildRunner's cost rows (costUsd).
   */
  engineCostUsd?: string;
}

/**
 * The agent activity's heartbeat details, which `br build watch` reads from the task workflow's pending
 * activity: the model in use, the attempt, turn n of max and the last tool called. Turn 0 is sent
 * before the first Claude call answers, so a running attempt always names its model.
 */
export interface AgentProgress {
  model: string;
  attempt: number;
  turn: number;
  maxTurns: number;
  /** The last tool the agent called (its name only, never its input). */
  lastTool?: string;
  usage: TokenUsage;
  costUsd: string;
  /** The database has been unreachable since then: the attempt's cost rows wait in memory. */
  databaseWaitingSince?: string;
  /** Cost rows waiting for the database. */
  unwrittenRows?: number;
}
