import { APIError } from '@anthropic-ai/sdk';
import type Anthropic from '@anthropic-ai/sdk';
import Decimal from 'decimal.js';
import type { ApplicationFailure } from '@temporalio/common';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunAgentInput, RunAgentResult } from '../../../lib/contracts';
import { FailureClass } from '../../../lib/failures';
import { sandboxPolicy } from '../../../lib/sandbox/policy';
import { findModel } from '../../../lib/models';
import { secretValuesOf } from '../../../lib/secrets/redact';
import { failure } from '../../failure';
import { callKeyPrefix, cancellationSignal, heartbeat } from '../activity-context';
import { addUsage, recordCall, requirePricedModel, totalTokens, ZERO_USAGE } from '../cost';
import { toFailure } from '../errors';
import type { AgentDeps, AgentProgress } from '../agent/loop';
import { designNote, taskPrompt } from '../agent/loop';
import type { ToolContext } from '../agent/tools';
import { resetWorktree } from '../agent/worktree';
import { claudeCodeEnv } from './env';
import { startMeteringProxy, type UpstreamError } from './proxy';
import { findClaudeAgentSdk, loadClaudeAgentSdk, type SdkMessage } from './sdk';
import { buildRunnerMcpServer, CLAUDE_CODE_TOOLS, MCP_SERVER, mcpToolName } from './tools';

/**
 * The "claude-code" engine: one attempt of one task as a Claude Code session (Claude Agent SDK), under
 * the contract of the builtin loop (agent/loop.ts): the worktree reset to the attempt's base, only
 * BuildRunner's tools (tools.ts), a cost row per Claude message as it completes, heartbeats per message,
 * the attempt's turn, token and budget limits, and the same result and failure types. What Claude Code
 * would decide on its own (retries, model fallback, user settings, side traffic) is switched off.
 */

const SYSTEM_APPEND = `You work inside a git worktree of a repository, only through the ${MCP_SERVER} tools:
list_files, read_file, search_files to explore; write_file and edit_file to change files;
run_command to run the project's allowed test, lint and build commands.
All paths are relative to the repository root; you cannot leave it, and you cannot touch .git.
Do not commit: the build commits your changes and runs the repository's hooks.
When the work is done and checked, answer with a short summary and no tool call.`;

function apiErrorOf(e: UpstreamError): APIError {
  if (e.kind === 'http' && e.status !== undefined)
    return APIError.generate(e.status, e.body as object, e.message, e.headers);
  if (e.kind === 'stream') return new APIError(undefined, e.body as object, e.message, e.headers);
  return APIError.generate(undefined, new Error(e.message), e.message, undefined);
}

export function claudeCodeMissing(): ApplicationFailure {
  return failure(
    FailureClass.CONFIG_INVALID,
    'agent.engine is "claude-code" but the Claude Agent SDK is not installed on this worker. ' +
      'Run `bash scripts/install-claude-code.sh` in the BuildRunner folder (or set BR_CLAUDE_CODE_DIR), ' +
      'then check with `br doctor`; or set agent.engine to "builtin".',
  );
}

export async function runClaudeCode(deps: AgentDeps, input: RunAgentInput): Promise<RunAgentResult> {
  const { config, db } = deps;
  const catalog = config.models;
  requirePricedModel(catalog, input.model);
  const model = findModel(catalog, input.model)!;
  const entry = findClaudeAgentSdk();
  if (!entry) throw claudeCodeMissing();
  if (!deps.apiKey) throw failure(FailureClass.AUTH, 'ANTHROPIC_API_KEY is not set for this worker.');
  await resetWorktree(input.worktreePath, input.baseCommit);
  const root = await realpath(input.worktreePath);
  const workerEnv = deps.env ?? process.env;
  const tools: ToolContext = {
    root,
    allowedCommands: config.agent.allowedCommands,
    sandbox: sandboxPolicy(config),
    workerEnv,
    secretValues: [...secretValuesOf(workerEnv), deps.apiKey],
  };
  const budget = new Decimal(input.budgetUsd);
  const maxTokens = input.maxTokens ?? Number.POSITIVE_INFINITY;
  const keyPrefix = callKeyPrefix(`${input.buildId}/${input.taskId}/${input.attempt}`);
  let usage = ZERO_USAGE;
  let cost = new Decimal(0);
  let servedModel = input.model;
  let calls = 0;
  let limit: string | undefined;
  const abort = new AbortController();
  const cancelled = cancellationSignal();
  const onCancel = () => abort.abort();
  cancelled?.addEventListener('abort', onCancel);

  const incomplete = (reason: string, turns: number) =>
    failure(
      FailureClass.AGENT_INCOMPLETE,
      `The agent stopped before finishing task ${input.taskId} after ${turns} turn(s): ${reason}.`,
      { costUsd: cost.toFixed(), model: servedModel },
      deps.apiKey,
    );

  const proxy = await startMeteringProxy({
    upstream: config.anthropic.baseUrl ?? 'https://api.anthropic.com',
    apiKey: deps.apiKey,
    model: input.model,
    onMessage: async (m) => {
      calls += 1;
      const recorded = await recordCall(
        db,
        catalog,
        {
          purpose: 'agent',
          requestedModel: input.model,
          buildId: input.buildId,
          taskKey: input.taskId,
          attempt: input.attempt,
          fallbackKey: `${keyPrefix}/${calls}`,
        },
        { id: m.id, model: m.model, usage: m.usage as Anthropic.Usage },
        cost,
      );
      usage = addUsage(usage, recorded.usage);
      cost = cost.plus(recorded.usd);
      servedModel = recorded.servedModel;
      heartbeat({ turn: calls, usage, costUsd: cost.toFixed() } satisfies AgentProgress);
      if (cost.gte(budget)) limit = `its budget share of $${input.budgetUsd} is spent ($${cost.toFixed()})`;
      else if (totalTokens(usage) >= maxTokens)
        limit = `it used ${totalTokens(usage)} tokens (max ${maxTokens})`;
      if (limit) {
        proxy.stop(`BuildRunner stopped this attempt: ${limit}.`);
        abort.abort();
      }
    },
  });
  const home = await mkdtemp(path.join(tmpdir(), 'br-claude-code-'));
  let result: Extract<SdkMessage, { type: 'result' }> | undefined;
  let thrown: unknown;
  try {
    await mkdir(path.join(home, 'tmp'));
    await mkdir(path.join(home, '.claude'));
    const sdk = await loadClaudeAgentSdk(entry);
    const q = sdk.query({
      prompt: taskPrompt(input, tools.allowedCommands, designNote(root, config.design?.outDir ?? 'design')),
      options: {
        cwd: root,
        model: input.model,
        abortController: abort,
        env: claudeCodeEnv({
          workerEnv,
          home,
          proxyUrl: proxy.url,
          model: input.model,
          timeoutMs: config.anthropic.timeoutMs,
          maxOutputTokens: Math.min(config.agent.maxOutputTokensPerTurn, model.maxOutputTokens),
        }),
        // No user, project or local settings files: only what is passed here applies.
        settingSources: [],
        persistSession: false,
        // No built-in tool (Bash would run outside the sandbox); BuildRunner's tools, pre-approved,
        // and everything else denied without asking.
        tools: [],
        mcpServers: { [MCP_SERVER]: buildRunnerMcpServer(sdk, tools) },
        allowedTools: CLAUDE_CODE_TOOLS.map((t) => mcpToolName(t.name)),
        permissionMode: 'dontAsk',
        systemPrompt: { type: 'preset', preset: 'claude_code', append: SYSTEM_APPEND },
        maxTurns: config.agent.maxTurns,
        includePartialMessages: true,
        stderr: () => undefined,
        ...(deps.claudeCodeExecutable ? { pathToClaudeCodeExecutable: deps.claudeCodeExecutable } : {}),
      },
    });
    for await (const message of q) if (message.type === 'result') result = message;
  } catch (err) {
    thrown = err;
  } finally {
    cancelled?.removeEventListener('abort', onCancel);
    await proxy.close();
    await rm(home, { recursive: true, force: true });
  }
  if (cancelled?.aborted) throw cancelled.reason ?? thrown ?? new Error('cancelled');
  const recordFailure = proxy.recordFailure();
  if (recordFailure)
    throw recordFailure instanceof Error ? recordFailure : new Error('could not record a cost row');
  const turns = result?.num_turns ?? calls;
  if (limit) throw incomplete(limit, calls);
  const upstream = proxy.error();
  if (upstream)
    throw toFailure(apiErrorOf(upstream), {
      model: input.model,
      costUsd: cost.toFixed(),
      apiKey: deps.apiKey,
    });
  if (result?.subtype === 'error_max_turns')
    throw incomplete(`it reached the maximum of ${config.agent.maxTurns} turns`, turns);
  if (result && !result.is_error && result.subtype === 'success')
    return {
      outcome: 'finished',
      summary: result.result?.trim() || 'Finished.',
      turns,
      usage,
      costUsd: cost.toFixed(),
      servedModel,
      engineCostUsd: new Decimal(result.total_cost_usd).toFixed(),
    };
  const said = result?.result ?? (thrown instanceof Error ? thrown.message : 'no result');
  // No HTTP error reached the proxy: Claude Code gave up on its own, i.e. its request timed out.
  if (/timed out|timeout/i.test(said))
    throw failure(FailureClass.TIMEOUT, `Claude Code (${input.model}): the request timed out`, {
      model: input.model,
      costUsd: cost.toFixed(),
    });
  throw incomplete(`Claude Code ended without a result (${said.slice(0, 300)})`, turns);
}
