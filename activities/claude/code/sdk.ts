import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../paths';

/**
 * The Claude Agent SDK is an opt-in install (scripts/install-claude-code.sh puts it in
 * .tools/claude-code, ~420 MB with its Claude Code binary), so `npm ci` stays as fast for everyone who
 * keeps the builtin engine. It is loaded at run time from there (or from node_modules when a user
 * installed it as a dependency) and typed here by the few shapes BuildRunner reads.
 */

export const CLAUDE_AGENT_SDK = '@anthropic-ai/claude-agent-sdk';
/** The version the tests ran against; the install script pins it. */
export const CLAUDE_AGENT_SDK_VERSION = '0.3.328';

export interface SdkUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

/** The messages of the SDK's stream that BuildRunner reads (it ignores the others). */
export type SdkMessage =
  | { type: 'system'; subtype: string; tools?: string[]; model?: string; session_id?: string }
  | {
      type: 'assistant';
      message: { id: string; model: string; content: { type: string; text?: string }[] };
      error?: string;
      is_api_error_message?: boolean;
      api_error_status?: number | null;
    }
  | { type: 'user' }
  | { type: 'stream_event' }
  | {
      type: 'result';
      /** 'success', 'error_max_turns', 'error_max_budget_usd', 'error_during_execution', … */
      subtype: string;
      is_error: boolean;
      num_turns: number;
      result?: string;
      total_cost_usd: number;
      usage: SdkUsage;
      modelUsage?: Record<string, { costUSD: number }>;
      terminal_reason?: string;
      api_error_status?: number | null;
      errors?: string[];
    };

export interface SdkToolResult {
  content: { type: 'text'; text: string }[];
  isError?: boolean;
}

export interface HookOutput {
  hookSpecificOutput?: {
    hookEventName: 'PreToolUse';
    permissionDecision: 'allow' | 'deny';
    permissionDecisionReason?: string;
  };
}

export interface SdkQuery extends AsyncIterable<SdkMessage> {
  interrupt(): Promise<void>;
  close?(): void;
}

export interface ClaudeAgentSdk {
  query(args: { prompt: string; options: Record<string, unknown> }): SdkQuery;
  createSdkMcpServer(options: { name: string; version?: string; tools: unknown[] }): unknown;
  tool(
    name: string,
    description: string,
    shape: Record<string, unknown>,
    handler: (args: Record<string, unknown>) => Promise<SdkToolResult>,
  ): unknown;
}

/** Where the SDK's entry point is, or undefined when it is not installed. */
export function findClaudeAgentSdk(root: string = packageRoot()): string | undefined {
  const candidates = [process.env.BR_CLAUDE_CODE_DIR, path.join(root, '.tools', 'claude-code'), root].filter(
    (d): d is string => !!d,
  );
  for (const dir of candidates) {
    const entry = path.join(dir, 'node_modules', ...CLAUDE_AGENT_SDK.split('/'), 'sdk.mjs');
    if (existsSync(entry)) return entry;
  }
  return undefined;
}

let loaded: Promise<ClaudeAgentSdk> | undefined;

/**
 * The SDK is an ES module and this package is CommonJS: Node 20.19 and later load it with require().
 * The real require comes from node:module, so a test runner's module registry (which cannot load ES
 * modules untransformed, and whose import() can land in an earlier test file's torn-down
 * environment, jestjs/jest#10944) is not involved.
 */
const requireEsm = process.getBuiltinModule('node:module').createRequire(__filename);

/** Loads the SDK (an ES module) once per process. */
export function loadClaudeAgentSdk(entry: string): Promise<ClaudeAgentSdk> {
  loaded ??= new Promise<ClaudeAgentSdk>((resolve) => resolve(requireEsm(entry) as ClaudeAgentSdk)).catch(
    (err: unknown) => {
      loaded = undefined;
      throw err;
    },
  );
  return loaded;
}
