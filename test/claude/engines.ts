import { findClaudeAgentSdk } from '../../activities/claude/code/sdk';
import { mcpToolName } from '../../activities/claude/code/tools';
import { reply, toolCalls, type MessageStep, type RecordedRequest } from '../fakes/anthropic-server';

/**
 * The agent tests that cover behaviour both engines share run once per engine. A script is written
 * with the builtin tool names; `steps(engine)` turns it into what that engine's model would send
 * (Claude Code sees BuildRunner's tools as `mcp__buildrunner__…`, and ends by answering without a tool).
 */

export type Engine = 'builtin' | 'claude-code';

export const claudeCodeInstalled = findClaudeAgentSdk() !== undefined;

/** Both engines where the Claude Agent SDK is installed; in CI a missing install fails instead of skipping. */
export const ENGINES: Engine[] =
  claudeCodeInstalled || process.env.CI === 'true' ? ['builtin', 'claude-code'] : ['builtin'];

export function describeClaudeCode(name: string, fn: () => void): void {
  (claudeCodeInstalled || process.env.CI === 'true' ? describe : describe.skip)(name, fn);
}

export type ScriptStep =
  | { tool: string; input: unknown; options?: Omit<MessageStep, 'kind' | 'content'> }
  | { finish: string; options?: Omit<MessageStep, 'kind' | 'content'> };

export const call = (
  tool: string,
  input: unknown,
  options?: Omit<MessageStep, 'kind' | 'content'>,
): ScriptStep => ({ tool, input, options });
export const finish = (summary: string, options?: Omit<MessageStep, 'kind' | 'content'>): ScriptStep => ({
  finish: summary,
  options,
});

export function steps(engine: Engine, script: ScriptStep[]): MessageStep[] {
  return script.map((s) => {
    if ('finish' in s)
      return engine === 'builtin'
        ? toolCalls([{ name: 'finish', input: { summary: s.finish } }], s.options)
        : reply(s.finish, s.options);
    return toolCalls(
      [{ name: engine === 'builtin' ? s.tool : mcpToolName(s.tool), input: s.input }],
      s.options,
    );
  });
}

/** The tool results a request carried back to the model (its last user message), in order. */
export function toolResults(request: RecordedRequest): { content: string; is_error?: boolean }[] {
  // Claude Code may append system messages after the tool results: the last user turn is what counts.
  const messages = request.body.messages as { role: string; content: unknown }[];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  if (!last || !Array.isArray(last.content)) return [];
  return (last.content as { type: string; content: unknown; is_error?: boolean }[])
    .filter((b) => b.type === 'tool_result')
    .map((b) => ({
      is_error: b.is_error,
      content:
        typeof b.content === 'string'
          ? b.content
          : (b.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join(''),
    }));
}
