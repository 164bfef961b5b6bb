import type Anthropic from '@anthropic-ai/sdk';
import Decimal from 'decimal.js';
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { RunAgentInput, RunAgentResult } from '../../../lib/contracts';
import type { BuildRunnerConfig } from '../../../lib/config';
import type { Database } from '../../../lib/db/connection';
import { FailureClass } from '../../../lib/failures';
import { findModel, type TokenUsage } from '../../../lib/models';
import { callKeyPrefix, cancellationSignal, heartbeat } from '../activity-context';
import { addUsage, recordCall, requirePricedModel, totalTokens, ZERO_USAGE } from '../cost';
import { failure } from '../../failure';
import { toFailure } from '../errors';
import { sandboxPolicy } from '../../../lib/sandbox/policy';
import { secretValuesOf } from '../../../lib/secrets/redact';
import { trimHistory } from './history';
import { TOOL_DEFINITIONS, executeTool, type ToolContext } from './tools';
import { resetWorktree } from './worktree';

/**
 * One attempt of one task: Claude works in the task's worktree through the tools until it calls
 * `finish`, or the attempt runs out of turns, tokens or its budget share (AGENT_INCOMPLETE, with the
 * cost spent in the failure details). Every call is priced and recorded as it returns.
 */

export interface AgentDeps {
  client: Anthropic;
  db: Database;
  config: BuildRunnerConfig;
  apiKey?: string;
  /** The worker's environment (process.env by default): allow-listed names reach the sandbox, secrets are masked. */
  env?: NodeJS.ProcessEnv;
  /** The claude-code engine's binary instead of the SDK's own (a wrapper that traces it, in a test). */
  claudeCodeExecutable?: string;
}

export interface AgentProgress {
  turn: number;
  usage: TokenUsage;
  costUsd: string;
}

const SYSTEM = `You are a senior software engineer working inside a git worktree of a repository.
Implement the task you are given, completely and carefully, using only the tools:
list_files, read_file, search_files to explore; write_file and edit_file to change files;
run_command to run the project's allowed test, lint and build commands.
All paths are relative to the repository root; you cannot leave it, and you cannot touch .git.
Do not commit: the build commits your changes and runs the repository's hooks.
When the work is done and checked, call finish with a short summary.`;

/** The line that points the agent at the repository's design system, when the build wrote one. */
export function designNote(root: string, outDir: string): string | null {
  if (!existsSync(path.join(root, outDir, 'DESIGN.md'))) return null;
  return (
    `This repository has a design system in ${outDir}/. Before writing any UI, read ${outDir}/DESIGN.md and follow it: ` +
    `style only with the semantic utilities of ${outDir}/theme.css, use only the colour pairs it lists, keep its sizes.`
  );
}

export function taskPrompt(
  input: RunAgentInput,
  allowed: readonly string[],
  design: string | null = null,
): string {
  const t = input.task;
  return [
    `Task ${t.id}: ${t.title}`,
    '',
    t.description,
    '',
    `Acceptance criteria:\n${t.acceptance.map((a) => `- ${a}`).join('\n') || '- (none given)'}`,
    `Files you are expected to create or change: ${t.files.join(', ') || '(not specified)'}`,
    `Commands you may run: ${allowed.join(', ') || '(none)'}`,
    ...(design ? ['', design] : []),
    ...(input.repairFeedback
      ? [
          '',
          'A previous attempt was rejected by the checks with this output; fix the cause:',
          input.repairFeedback,
        ]
      : []),
  ].join('\n');
}

export async function runAgentLoop(deps: AgentDeps, input: RunAgentInput): Promise<RunAgentResult> {
  const { config, client, db } = deps;
  const catalog = config.models;
  requirePricedModel(catalog, input.model);
  const model = findModel(catalog, input.model)!;
  await resetWorktree(input.worktreePath, input.baseCommit);
  const root = await realpath(input.worktreePath);
  const tools: ToolContext = {
    root,
    allowedCommands: config.agent.allowedCommands,
    sandbox: sandboxPolicy(config),
    workerEnv: deps.env ?? process.env,
    secretValues: [...secretValuesOf(deps.env ?? process.env), ...(deps.apiKey ? [deps.apiKey] : [])],
  };
  const toolDefs: Anthropic.ToolUnion[] = TOOL_DEFINITIONS.map((t, i) =>
    i === TOOL_DEFINITIONS.length - 1 ? { ...t, cache_control: { type: 'ephemeral' } } : t,
  );
  const system: Anthropic.TextBlockParam[] = [
    { type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } },
  ];
  const budget = new Decimal(input.budgetUsd);
  const maxTokens = input.maxTokens ?? Number.POSITIVE_INFINITY;
  const keyPrefix = callKeyPrefix(`${input.buildId}/${input.taskId}/${input.attempt}`);
  let messages: Anthropic.MessageParam[] = [
    {
      role: 'user',
      content: taskPrompt(input, tools.allowedCommands, designNote(root, config.design?.outDir ?? 'design')),
    },
  ];
  let usage = ZERO_USAGE;
  let cost = new Decimal(0);
  let servedModel = input.model;

  const incomplete = (reason: string, turns: number) =>
    failure(
      FailureClass.AGENT_INCOMPLETE,
      `The agent stopped before finishing task ${input.taskId} after ${turns} turn(s): ${reason}.`,
      { costUsd: cost.toFixed(), model: servedModel },
      deps.apiKey,
    );

  for (let turn = 1; turn <= config.agent.maxTurns; turn++) {
    if (cost.gte(budget))
      throw incomplete(`its budget share of $${input.budgetUsd} is spent ($${cost.toFixed()})`, turn - 1);
    if (totalTokens(usage) >= maxTokens)
      throw incomplete(`it used ${totalTokens(usage)} tokens (max ${maxTokens})`, turn - 1);
    messages = trimHistory(messages, model.contextWindow);
    let response: Anthropic.Message;
    try {
      response = await client.messages.create(
        {
          model: input.model,
          max_tokens: Math.min(config.agent.maxOutputTokensPerTurn, model.maxOutputTokens),
          system,
          tools: toolDefs,
          messages,
        },
        { signal: cancellationSignal() },
      );
    } catch (err) {
      throw toFailure(err, { model: input.model, costUsd: cost.toFixed(), apiKey: deps.apiKey });
    }
    const recorded = await recordCall(
      db,
      catalog,
      {
        purpose: 'agent',
        requestedModel: input.model,
        buildId: input.buildId,
        taskKey: input.taskId,
        attempt: input.attempt,
        fallbackKey: `${keyPrefix}/${turn}`,
      },
      response,
      cost,
    );
    usage = addUsage(usage, recorded.usage);
    cost = cost.plus(recorded.usd);
    servedModel = recorded.servedModel;
    heartbeat({ turn, usage, costUsd: cost.toFixed() } satisfies AgentProgress);

    messages.push({ role: 'assistant', content: response.content });
    const calls = response.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    if (response.stop_reason === 'refusal') throw incomplete('the model refused the task', turn);
    if (calls.length === 0) {
      const hint =
        response.stop_reason === 'max_tokens'
          ? 'Your answer was cut off at the output limit. Continue with smaller steps, using the tools.'
          : 'Continue working with the tools. Call finish with a summary when the task is done.';
      messages.push({ role: 'user', content: hint });
      continue;
    }
    const results: Anthropic.ToolResultBlockParam[] = [];
    let summary: string | null = null;
    for (const call of calls) {
      if (call.name === 'finish') {
        const s = (call.input as { summary?: unknown } | null)?.summary;
        summary = typeof s === 'string' && s.trim() ? s.trim() : 'Finished.';
        results.push({ type: 'tool_result', tool_use_id: call.id, content: 'Finished.' });
        continue;
      }
      const outcome = await executeTool(call.name, call.input, tools);
      results.push({
        type: 'tool_result',
        tool_use_id: call.id,
        content: outcome.content,
        is_error: outcome.isError,
      });
    }
    if (summary !== null)
      return { outcome: 'finished', summary, turns: turn, usage, costUsd: cost.toFixed(), servedModel };
    messages.push({ role: 'user', content: results });
  }
  throw incomplete(`it reached the maximum of ${config.agent.maxTurns} turns`, config.agent.maxTurns);
}
