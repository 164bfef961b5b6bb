import type Anthropic from '@anthropic-ai/sdk';

/**
 * Keeps long sessions inside the model's context: tool outputs older than the last few turns are cut
 * to a short head with a note (the model can run the tool again). When the conversation still looks
 * too big for the context window, only the most recent outputs are kept whole.
 */

const KEEP_RECENT = 4;
const TRIMMED_HEAD = 300;
/** Rough characters per token, on the safe side for code. */
const CHARS_PER_TOKEN = 3;

function trimBlock(block: Anthropic.ToolResultBlockParam): Anthropic.ToolResultBlockParam {
  if (typeof block.content !== 'string' || block.content.length <= TRIMMED_HEAD * 2) return block;
  return {
    ...block,
    content: `${block.content.slice(0, TRIMMED_HEAD)}\n… [older tool output trimmed to save context; run the tool again if you need it]`,
  };
}

function size(messages: Anthropic.MessageParam[]): number {
  return JSON.stringify(messages).length;
}

export function trimHistory(
  messages: Anthropic.MessageParam[],
  contextWindowTokens: number,
): Anthropic.MessageParam[] {
  const resultTurns = messages
    .map((m, i) =>
      m.role === 'user' && Array.isArray(m.content) && m.content.some((b) => b.type === 'tool_result')
        ? i
        : -1,
    )
    .filter((i) => i >= 0);
  const trimOlderThan = (keep: number) => {
    const cut = new Set(resultTurns.slice(0, Math.max(0, resultTurns.length - keep)));
    return messages.map((m, i): Anthropic.MessageParam =>
      cut.has(i) && m.role === 'user' && Array.isArray(m.content)
        ? { ...m, content: m.content.map((b) => (b.type === 'tool_result' ? trimBlock(b) : b)) }
        : m,
    );
  };
  const trimmed = trimOlderThan(KEEP_RECENT);
  // Half the window for history leaves room for the system prompt, tools and the answer.
  return size(trimmed) > (contextWindowTokens / 2) * CHARS_PER_TOKEN ? trimOlderThan(1) : trimmed;
}
