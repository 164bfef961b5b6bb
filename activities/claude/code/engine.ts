import { APIError } from '@anthropic-ai/sdk';
import type Anthropic from '@anthropic-ai/sdk';
import Decimal from 'decimal.js';
import type { ApplicationFailure } from '@temporalio/common';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunAgentInput, RunAgentResult } from '../../../lib/contracts';
import { FailureClass } from '../../../lib/failures';
import { failure } from '../../failure';
import { cancellationSignal } from '../activity-context';
import { AttemptMeter } from '../attempt/meter';
import { claudeCodeSystemAppend } from '../attempt/prompt';
import { openWorkspace, pricedModel, type AgentDeps } from '../attempt/workspace';
import { toFailure } from '../errors';
import { claudeCodeEnv } from './env';
import { startMeteringProxy, type UpstreamError } from './proxy';
import { findClaudeAgentSdk, loadClaudeAgentSdk, type SdkMessage } from './sdk';
import { buildRunnerMcpServer, CLAUDE_CODE_TOOLS, MCP_SERVER, mcpToolName } from './tools';

/**
 * The "claude-code" engine: one attempt of one task as a Claude Code session (Claude Agent SDK), under
 * the engines' contract (attempt/workspace.ts): the worktree reset to the attempt's base, only
 * BuildRunner's tools (tools.ts), the attempt's meter (a cost row and a heartbeat per Claude message, its
 * turn, token and budget limits), and the same result and failure types. What Claude Code
 * would decide on its own (retries, model fallback, user settings, side traffic) is switched off.
 */

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
  const { config } = deps;
  const model = pricedModel(config, input.model);
  const entry = findClaudeAgentSdk();
  if (!entry) throw claudeCodeMissing();
  if (!deps.apiKey) throw failure(FailureClass.AUTH, 'ANTHROPIC_API_KEY is not set for this worker.');
  const { root, tools, prompt } = await openWorkspace(deps, input);
  const meter = new AttemptMeter(
    {
      db: deps.db,
      catalog: config.models,
      maxTurns: config.agent.maxTurns,
      apiKey: deps.apiKey,
      databaseWaitMs: config.database.outageWaitSeconds * 1000,
      ...(deps.spoolDir ? { spoolDir: deps.spoolDir } : {}),
    },
    input,
  );
  meter.beat();
  return meter.around(() => session(deps, input, meter, { model, entry, root, tools, prompt }));
}

async function session(
  deps: AgentDeps,
  input: RunAgentInput,
  meter: AttemptMeter,
  c: {
    model: ReturnType<typeof pricedModel>;
    entry: NonNullable<ReturnType<typeof findClaudeAgentSdk>>;
    root: string;
    tools: Awaited<ReturnType<typeof openWorkspace>>['tools'];
    prompt: string;
  },
): Promise<RunAgentResult> {
  const { config } = deps;
  const { model, entry, root, tools, prompt } = c;
  if (!deps.apiKey) throw failure(FailureClass.AUTH, 'ANTHROPIC_API_KEY is not set for this worker.');
  let limit: string | undefined;
  const abort = new AbortController();
  const cancelled = cancellationSignal();
  const onCancel = () => abort.abort();
  cancelled?.addEventListener('abort', onCancel);

  const proxy = await startMeteringProxy({
    upstream: config.anthropic.baseUrl ?? 'https://api.anthropic.com',
    apiKey: deps.apiKey,
    model: input.model,
    onRequest: (request) => meter.open(request),
    onRefused: (key) => meter.refused(key),
    onMessage: async (m) => {
      await meter.record({ id: m.id, model: m.model, usage: m.usage as Anthropic.Usage }, m.key);
      limit = meter.limit() ?? limit;
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
      prompt,
      options: {
        cwd: root,
        model: input.model,
        abortController: abort,
        env: claudeCodeEnv({
          workerEnv: deps.env ?? process.env,
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
        mcpServers: {
          [MCP_SERVER]: buildRunnerMcpServer(sdk, tools, (name) => meter.tool(name)),
        },
        allowedTools: CLAUDE_CODE_TOOLS.map((t) => mcpToolName(t.name)),
        permissionMode: 'dontAsk',
        systemPrompt: { type: 'preset', preset: 'claude_code', append: claudeCodeSystemAppend(MCP_SERVER) },
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
  const turns = result?.num_turns ?? meter.calls;
  if (limit) throw meter.incomplete(limit, meter.calls);
  const upstream = proxy.error();
  if (upstream)
    throw toFailure(apiErrorOf(upstream), {
      model: input.model,
      costUsd: meter.costUsd,
      apiKey: deps.apiKey,
    });
  if (result?.subtype === 'error_max_turns')
    throw meter.incomplete(`it reached the maximum of ${config.agent.maxTurns} turns`, turns);
  if (result && !result.is_error && result.subtype === 'success')
    return {
      outcome: 'finished',
      summary: result.result?.trim() || 'Finished.',
      turns,
      usage: meter.usage,
      costUsd: meter.costUsd,
      servedModel: meter.servedModel,
      engineCostUsd: new Decimal(result.total_cost_usd).toFixed(),
    };
  const said = result?.result ?? (thrown instanceof Error ? thrown.message : 'no result');
  // No HTTP error reached the proxy: Claude Code gave up on its own, i.e. its request timed out.
  if (/timed out|timeout/i.test(said))
    throw failure(FailureClass.TIMEOUT, `Claude Code (${input.model}): the request timed out`, {
      model: input.model,
      costUsd: meter.costUsd,
    });
  throw meter.incomplete(`Claude Code ended without a result (${said.slice(0, 300)})`, turns);
}
