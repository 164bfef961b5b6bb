import Anthropic from '@anthropic-ai/sdk';
import type { RunAgentInput, RunAgentResult } from '../../../lib/contracts';
import { AttemptMeter } from '../attempt/meter';
import { BUILTIN_SYSTEM } from '../attempt/prompt';
import { openWorkspace, pricedModel, type AgentDeps } from '../attempt/workspace';
import { answeredWithoutCharge, toFailure } from '../errors';
import { createMessage } from '../request';
import { trimHistory } from './history';
import { executeTool, TOOL_DEFINITIONS } from './tools';

/**
 * The "builtin" engine: one attempt of one task as BuildRunner's own tool loop. Claude works in the
 * task's worktree through the tools until it calls `finish`, or the attempt runs out of turns, tokens
 * or its budget share (AGENT_INCOMPLETE, with the cost spent in the failure details).
 */
export async function runAgentLoop(deps: AgentDeps, input: RunAgentInput): Promise<RunAgentResult> {
  const { config } = deps;
  const model = pricedModel(config, input.model);
  const { tools, prompt } = await openWorkspace(deps, input);
  const toolDefs: Anthropic.ToolUnion[] = TOOL_DEFINITIONS.map((t, i) =>
    i === TOOL_DEFINITIONS.length - 1 ? { ...t, cache_control: { type: 'ephemeral' } } : t,
  );
  const system: Anthropic.TextBlockParam[] = [
    { type: 'text', text: BUILTIN_SYSTEM, cache_control: { type: 'ephemeral' } },
  ];
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
  return meter.around(() => converse(deps, input, meter, { model, toolDefs, system, tools, prompt }));
}

async function converse(
  deps: AgentDeps,
  input: RunAgentInput,
  meter: AttemptMeter,
  c: {
    model: ReturnType<typeof pricedModel>;
    toolDefs: Anthropic.ToolUnion[];
    system: Anthropic.TextBlockParam[];
    tools: Awaited<ReturnType<typeof openWorkspace>>['tools'];
    prompt: string;
  },
): Promise<RunAgentResult> {
  const { config, client } = deps;
  const { model, toolDefs, system, tools, prompt } = c;
  let messages: Anthropic.MessageParam[] = [{ role: 'user', content: prompt }];

  for (let turn = 1; turn <= config.agent.maxTurns; turn++) {
    const limit = meter.limit();
    if (limit) throw meter.incomplete(limit, turn - 1);
    messages = trimHistory(messages, model.contextWindow);
    const request: Anthropic.MessageCreateParamsNonStreaming = {
      model: input.model,
      max_tokens: Math.min(config.agent.maxOutputTokensPerTurn, model.maxOutputTokens),
      system,
      tools: toolDefs,
      messages,
    };
    // On record before it is sent: a worker killed while waiting for the answer leaves this row unsettled.
    const key = await meter.open({
      bytes: Buffer.byteLength(JSON.stringify(request)),
      maxTokens: request.max_tokens,
    });
    let response: Anthropic.Message;
    try {
      response = await createMessage(client, request);
    } catch (err) {
      // An HTTP error answer or a refused connection is not billed; a timeout or cancel may be: it stays unsettled.
      if (answeredWithoutCharge(err)) await meter.refused(key);
      throw toFailure(err, { model: input.model, costUsd: meter.costUsd, apiKey: deps.apiKey });
    }
    await meter.record(response, key);

    messages.push({ role: 'assistant', content: response.content });
    const calls = response.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    if (response.stop_reason === 'refusal') throw meter.incomplete('the model refused the task', turn);
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
      meter.tool(call.name);
      const outcome = await executeTool(call.name, call.input, tools);
      results.push({
        type: 'tool_result',
        tool_use_id: call.id,
        content: outcome.content,
        is_error: outcome.isError,
      });
    }
    if (summary !== null) {
      const { usage, costUsd, servedModel } = meter;
      return { outcome: 'finished', summary, turns: turn, usage, costUsd, servedModel };
    }
    messages.push({ role: 'user', content: results });
  }
  throw meter.incomplete(`it reached the maximum of ${config.agent.maxTurns} turns`, config.agent.maxTurns);
}
