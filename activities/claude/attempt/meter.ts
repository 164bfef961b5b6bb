import type Anthropic from '@anthropic-ai/sdk';
import type { ApplicationFailure } from '@temporalio/common';
import Decimal from 'decimal.js';
import type { AgentProgress, RunAgentInput } from '../../../lib/contracts';
import type { ModelCatalog, TokenUsage } from '../../../lib/models';
import type { Database } from '../../../lib/db/connection';
import { FailureClass } from '../../../lib/failures';
import { failure } from '../../failure';
import { callKeyPrefix, cancellationSignal, heartbeat } from '../activity-context';
import {
  addUsage,
  applyCostWrite,
  estimateRow,
  priceCall,
  totalTokens,
  ZERO_USAGE,
  type CallScope,
} from '../cost';
import { CostLedger } from './ledger';
import { CostSpool } from './spool';

/**
 * One attempt's meter, the same for every engine: before each Claude request an estimate row is
 * written (`open`, keyed by the attempt and the request's number), and each answer settles it with the
 * exact price (`record`), added up and heartbeated; the attempt's budget share and token cap are checked
 * against the totals. The rows go through the attempt's ledger, which rides out a database outage
 * (`finish` waits for it before the attempt ends).
 */
export class AttemptMeter {
  usage: TokenUsage = ZERO_USAGE;
  cost = new Decimal(0);
  servedModel: string;
  /** Claude messages recorded so far (the builtin loop's turns). */
  calls = 0;
  /** Requests opened so far (each has an estimate row). */
  private opened = 0;
  private readonly ledger: CostLedger;
  /** The last tool the agent called, for the heartbeat (its name only, never its input). */
  private lastTool: string | undefined;
  private readonly budget: Decimal;
  private readonly maxTokens: number;
  private readonly keyPrefix: string;

  constructor(
    private readonly deps: {
      db: Database;
      catalog: ModelCatalog;
      maxTurns: number;
      apiKey?: string;
      /** How long the attempt waits for an unreachable database before it fails (database.outageWaitSeconds). */
      databaseWaitMs?: number;
      /** The worker's cost spool folder (costSpoolDir): rows that wait for the database wait there too. */
      spoolDir?: string;
    },
    private readonly input: RunAgentInput,
  ) {
    this.servedModel = input.model;
    this.budget = new Decimal(input.budgetUsd);
    this.maxTokens = input.maxTokens ?? Number.POSITIVE_INFINITY;
    this.keyPrefix = callKeyPrefix(`${input.buildId}/${input.taskId}/${input.attempt}`);
    this.ledger = new CostLedger((w) => applyCostWrite(deps.db, w), {
      maxWaitMs: deps.databaseWaitMs ?? 900_000,
      signal: cancellationSignal(),
      onWaiting: () => this.beat(),
      ...(deps.spoolDir ? { spool: new CostSpool(deps.spoolDir, deps.apiKey ? [deps.apiKey] : []) } : {}),
    });
  }

  private scope(key: string): CallScope {
    const { input } = this;
    return {
      purpose: 'agent',
      requestedModel: input.model,
      buildId: input.buildId,
      taskKey: input.taskId,
      attempt: input.attempt,
      fallbackKey: key,
    };
  }

  /**
   * Puts a request on record before it is sent: an unsettled row at its worst-case price (input from
   * its size, output at max_tokens). Returns the request's key, for `record` or `answered`.
   */
  async open(request: { bytes: number; maxTokens: number }): Promise<string> {
    this.opened += 1;
    const key = `${this.keyPrefix}/${this.opened}`;
    const row = estimateRow(this.deps.catalog, this.scope(key), request);
    await this.ledger.write({ kind: 'estimate', row });
    return key;
  }

  /** The API answered the request with an error (nothing billed): its row settles at zero. */
  async refused(key: string): Promise<void> {
    const row = {
      ...estimateRow(this.deps.catalog, this.scope(key), { bytes: 0, maxTokens: 0 }),
      settled: true,
    };
    await this.ledger.write({ kind: 'settle', row, openedKey: key });
  }

  /** Writes what is still waiting for the database (bounded by databaseWaitMs); call before the attempt ends. */
  async finish(): Promise<void> {
    await this.ledger.flush();
  }

  /** Runs the attempt, then writes every row still waiting; a failed attempt still tries to write them. */
  async around<T>(attempt: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await attempt();
    } catch (err) {
      await this.finish().catch(() => undefined);
      throw err;
    }
    await this.finish();
    return result;
  }

  get costUsd(): string {
    return this.cost.toFixed();
  }

  /** Settles an opened request with its answer (or records an answer that was never opened). */
  async record(
    message: Pick<Anthropic.Message, 'id' | 'model' | 'usage'>,
    openedKey?: string,
  ): Promise<void> {
    this.calls += 1;
    const key = openedKey ?? `${this.keyPrefix}/${this.calls}`;
    const recorded = priceCall(this.deps.catalog, this.scope(key), message, this.cost);
    await this.ledger.write({
      kind: 'settle',
      row: recorded.row,
      ...(openedKey ? { openedKey } : {}),
    });
    this.usage = addUsage(this.usage, recorded.usage);
    this.cost = this.cost.plus(recorded.usd);
    this.servedModel = recorded.servedModel;
    this.beat();
    if (recorded.unpriced) throw recorded.unpriced;
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
      ...(this.ledger.outageSince
        ? { databaseWaitingSince: this.ledger.outageSince.toISOString(), unwrittenRows: this.ledger.pending }
        : {}),
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
