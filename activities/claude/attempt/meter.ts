import type Anthropic from '@anthropic-ai/sdk';
import type { ApplicationFailure } from '@temporalio/common';
import Decimal from 'decimal.js';
import type { AgentProgress, RunAgentInput } from '../../../lib/contracts';
import type { ModelCatalog, TokenUsage } from '../../../lib/models';
import type { Database } from '../../../lib/db/connection';
import { FailureClass } from '../../../lib/failures';
import { failure } from '../../failure';
import { callKeyPrefix, heartbeat } from '../activity-context';
import { addUsage, recordCall, totalTokens, ZERO_USAGE } from '../cost';

/**
 * One attempt's meter, the same for every engine: each Claude message is priced and recorded (a cost
 * row, keyed by the attempt and the message's number) as it completes, added up and heartbeated; the
 * attempt's budget share and token cap are checked against the totals.
 */
export class AttemptMeter {
  usage: TokenUsage = ZERO_USAGE;
  cost = new Decimal(0);
  servedModel: string;
  /** Claude messages recorded so far (the builtin loop's turns). */
  calls = 0;
  /** The last tool the agent called, for the heartbeat (its name only, never its input). */
  private lastTool: string | undefined;
  private readonly budget: Decimal;
  private readonly maxTokens: number;
  private readonly keyPrefix: string;

  constructor(
    private readonly deps: { db: Database; catalog: ModelCatalog; maxTurns: number; apiKey?: string },
    private readonly input: RunAgentInput,
  ) {
    this.servedModel = input.model;
    this.budget = new Decimal(input.budgetUsd);
    this.maxTokens = input.maxTokens ?? Number.POSITIVE_INFINITY;
    this.keyPrefix = callKeyPrefix(`${input.buildId}/${input.taskId}/${input.attempt}`);
  }

  get costUsd(): string {
    return this.cost.toFixed();
  }

  async record(message: Pick<Anthropic.Message, 'id' | 'model' | 'usage'>): Promise<void> {
    const { input } = this;
    this.calls += 1;
    const recorded = await recordCall(
      this.deps.db,
      this.deps.catalog,
      {
        purpose: 'agent',
        requestedModel: input.model,
        buildId: input.buildId,
        taskKey: input.taskId,
        attempt: input.attempt,
        fallbackKey: `${this.keyPrefix}/${this.calls}`,
      },
      message,
      this.cost,
    );
    this.usage = addUsage(this.usage, recorded.usage);
    this.cost = this.cost.plus(recorded.usd);
    this.servedModel = recorded.servedModel;
    this.beat();
  }

  /** Heartbeats where the attempt is (model, try, turn of max, last tool, spend): `br build watch` shows it. */
  beat(): void {
    const { input } = this;
    heartbeat({
      model: input.model,
      attempt: input.attempt,
      turn: this.calls,
      maxTurns: this.deps.maxTurns,
      ...(this.lastTool ? { lastTool: this.lastTool } : {}),
      usage: this.usage,
      costUsd: this.costUsd,
    } satisfies AgentProgress);
  }

  /** The agent is about to run a tool. */
  tool(name: string): void {
    this.lastTool = name;
    this.beat();
  }

  /** Why the attempt must stop now (its budget share is spent, its token cap reached); undefined if it may go on. */
  limit(): string | undefined {
    if (this.cost.gte(this.budget))
      return `its budget share of $${this.input.budgetUsd} is spent ($${this.costUsd})`;
    const used = totalTokens(this.usage);
    if (used >= this.maxTokens) return `it used ${used} tokens (max ${this.maxTokens})`;
    return undefined;
  }

  /** AGENT_INCOMPLETE, with what the attempt spent and the model that served it. */
  incomplete(reason: string, turns: number): ApplicationFailure {
    return failure(
      FailureClass.AGENT_INCOMPLETE,
      `The agent stopped before finishing task ${this.input.taskId} after ${turns} turn(s): ${reason}.`,
      { costUsd: this.costUsd, model: this.servedModel },
      this.deps.apiKey,
    );
  }
}
