import type Anthropic from '@anthropic-ai/sdk';
import Decimal from 'decimal.js';
import { z } from 'zod';
import type { Database } from '../../lib/db/connection';
import { FailureClass } from '../../lib/failures';
import type { ModelCatalog, TokenUsage } from '../../lib/models';
import { createMessage } from './request';
import {
  addUsage,
  estimateRow,
  priceCall,
  requirePricedModel,
  writeEstimate,
  writeSettled,
  ZERO_USAGE,
  type CallScope,
} from './cost';
import { failure } from '../failure';
import { answeredWithoutCharge, toFailure } from './errors';

/**
 * Structured output through a single tool: the model is asked to call `tool` with its answer, which is
 * validated with zod (plus any domain check). Forced tool choice is refused by the newest models, so
 * tool_choice stays `auto` and the instruction says to call the tool. One repair round-trip sends the
 * validation errors back; a second invalid answer fails with INVALID_PLAN.
 */

export interface StructuredRequest<T> {
  client: Anthropic;
  db: Database;
  catalog: ModelCatalog;
  scope: Omit<CallScope, 'fallbackKey'> & { fallbackKeyPrefix: string };
  model: string;
  maxTokens: number;
  system: string;
  prompt: string;
  toolName: string;
  toolDescription: string;
  schema: z.ZodType<T>;
  /** Domain problems (cycles, missing ids …) that count as invalid output, repaired like schema errors. */
  check?: (value: T) => string[];
  apiKey?: string;
}

export interface StructuredResult<T> {
  value: T;
  usage: TokenUsage;
  costUsd: Decimal;
  servedModel: string;
  repaired: boolean;
}

function jsonSchemaOf(schema: z.ZodType): Anthropic.Tool.InputSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' });
  return rest as Anthropic.Tool.InputSchema;
}

function problemsOf<T>(request: StructuredRequest<T>, message: Anthropic.Message) {
  const call = message.content.find(
    (b): b is Anthropic.ToolUseBlock => b.type === 'tool_use' && b.name === request.toolName,
  );
  if (!call)
    return {
      call,
      problems: [`No call to the tool "${request.toolName}" was found; call it with the answer.`],
    };
  const parsed = request.schema.safeParse(call.input);
  if (!parsed.success)
    return {
      call,
      problems: parsed.error.issues.map(
        (i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`,
      ),
    };
  const domain = request.check?.(parsed.data) ?? [];
  return { call, problems: domain, value: domain.length ? undefined : parsed.data };
}

export async function askStructured<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
  requirePricedModel(request.catalog, request.model);
  const tool: Anthropic.Tool = {
    name: request.toolName,
    description: request.toolDescription,
    input_schema: jsonSchemaOf(request.schema),
  };
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: request.prompt }];
  let usage = ZERO_USAGE;
  let cost = new Decimal(0);
  let servedModel = request.model;
  const { fallbackKeyPrefix, ...scope } = request.scope;
  const rounds: string[][] = [];

  for (let round = 1; round <= 2; round++) {
    const callScope: CallScope = { ...scope, fallbackKey: `${fallbackKeyPrefix}/${round}` };
    const body: Anthropic.MessageCreateParamsNonStreaming = {
      model: request.model,
      max_tokens: request.maxTokens,
      system: request.system,
      tools: [tool],
      tool_choice: { type: 'auto' },
      messages,
    };
    // On record before it is sent (issue 27): a worker killed while waiting for the answer leaves it unsettled.
    const size = { bytes: Buffer.byteLength(JSON.stringify(body)), maxTokens: request.maxTokens };
    await writeEstimate(request.db, estimateRow(request.catalog, callScope, size));
    let message: Anthropic.Message;
    try {
      message = await createMessage(request.client, body);
    } catch (err) {
      if (answeredWithoutCharge(err)) {
        const nothing = estimateRow(request.catalog, callScope, { bytes: 0, maxTokens: 0 });
        await writeSettled(request.db, { ...nothing, settled: true }, callScope.fallbackKey);
      }
      throw toFailure(err, { model: request.model, costUsd: cost.toFixed(), apiKey: request.apiKey });
    }
    const recorded = priceCall(request.catalog, callScope, message, cost);
    await writeSettled(request.db, recorded.row, callScope.fallbackKey);
    if (recorded.unpriced) throw recorded.unpriced;
    usage = addUsage(usage, recorded.usage);
    cost = cost.plus(recorded.usd);
    servedModel = recorded.servedModel;

    const { call, problems, value } = problemsOf(request, message);
    if (value !== undefined) return { value, usage, costUsd: cost, servedModel, repaired: round > 1 };
    rounds.push(problems);
    if (round === 2)
      throw failure(
        FailureClass.INVALID_PLAN,
        `Claude's ${request.toolName} answer was still invalid after one repair:\n` +
          rounds
            .map((p, i) => `  round ${i + 1}${i ? ' (repair)' : ''}:\n    - ${p.join('\n    - ')}`)
            .join('\n'),
        { costUsd: cost.toFixed(), model: servedModel },
        request.apiKey,
      );
    const feedback = `The answer is invalid. Fix these problems and call ${request.toolName} again with the complete corrected answer:\n- ${problems.join('\n- ')}`;
    messages.push({ role: 'assistant', content: message.content });
    // A tool_use must be answered by its tool_result; the feedback rides in it.
    const toolResults = message.content
      .filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')
      .map((b) => ({
        type: 'tool_result' as const,
        tool_use_id: b.id,
        is_error: true,
        content: b.id === call?.id ? feedback : 'Ignored: only one tool is available.',
      }));
    messages.push({
      role: 'user',
      content: toolResults.length ? toolResults : [{ type: 'text', text: feedback }],
    });
  }
  throw new Error('unreachable');
}
