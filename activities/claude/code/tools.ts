import { z } from 'zod';
import { executeTool, TOOL_DEFINITIONS, type ToolContext } from '../agent/tools';
import type { ClaudeAgentSdk, SdkToolResult } from './sdk';

/**
 * Claude Code gets BuildRunner's own tools (as an in-process MCP server) instead of its built-in ones:
 * the same worktree confinement (lib paths, .git refused), the same sandboxed, allow-listed
 * run_command and the same secret masking of everything that goes back to the model. Its built-in Bash
 * would run outside the sandbox and its Read cannot mask secrets, so they are off (see engine.ts).
 * `finish` is not offered: a Claude Code session ends when the model answers without a tool call.
 */

export const MCP_SERVER = 'buildrunner';
export const mcpToolName = (name: string): string => `mcp__${MCP_SERVER}__${name}`;

const SHAPES: Record<string, Record<string, z.ZodType>> = {
  list_files: { path: z.string().optional() },
  read_file: { path: z.string() },
  write_file: { path: z.string(), content: z.string() },
  edit_file: { path: z.string(), old_string: z.string(), new_string: z.string() },
  search_files: { pattern: z.string(), path: z.string().optional() },
  run_command: { command: z.string() },
};

export const CLAUDE_CODE_TOOLS = TOOL_DEFINITIONS.filter((t) => t.name in SHAPES);

/** `onTool` hears each tool's name as it is called (the attempt's heartbeat shows the last one). */
export function buildRunnerMcpServer(
  sdk: ClaudeAgentSdk,
  ctx: ToolContext,
  onTool: (name: string) => void = () => {},
): unknown {
  const tools = CLAUDE_CODE_TOOLS.map((t) =>
    sdk.tool(t.name, t.description ?? t.name, SHAPES[t.name]!, async (args): Promise<SdkToolResult> => {
      onTool(t.name);
      const outcome = await executeTool(t.name, args, ctx);
      return { content: [{ type: 'text', text: outcome.content }], isError: outcome.isError };
    }),
  );
  return sdk.createSdkMcpServer({ name: MCP_SERVER, version: '1', tools });
}
