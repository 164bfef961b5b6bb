import type Anthropic from '@anthropic-ai/sdk';
import { realpath } from 'node:fs/promises';
import type { RunAgentInput, RunAgentResult } from '../../../lib/contracts';
import type { BuildRunnerConfig } from '../../../lib/config';
import type { Database } from '../../../lib/db/connection';
import { findModel, type ModelEntry } from '../../../lib/models';
import { sandboxPolicy } from '../../../lib/sandbox/policy';
import { secretValuesOf } from '../../../lib/secrets/redact';
import type { ToolContext } from '../agent/tools';
import { resetWorktree } from '../agent/worktree';
import { requirePricedModel } from '../cost';
import { designNote, taskPrompt } from './prompt';

/**
 * The contract of a coding-agent engine: one attempt of one task in its worktree, through BuildRunner's
 * tools only, metered per Claude message (AttemptMeter), ending `finished` or with a typed failure.
 */
export type AgentEngine = (deps: AgentDeps, input: RunAgentInput) => Promise<RunAgentResult>;

export interface AgentDeps {
  client: Anthropic;
  db: Database;
  config: BuildRunnerConfig;
  apiKey?: string;
  /** The worker's environment (process.env by default): allow-listed names reach the sandbox, secrets are masked. */
  env?: NodeJS.ProcessEnv;
  /** The claude-code engine's binary instead of the SDK's own (a wrapper that traces it, in a test). */
  claudeCodeExecutable?: string;
  /** The worker's cost spool folder (attempt/spool.ts); without it, rows wait for the database in memory only. */
  spoolDir?: string;
}

/** The attempt's model, refused before anything runs when the catalog has no price for it. */
export function pricedModel(config: BuildRunnerConfig, id: string): ModelEntry {
  requirePricedModel(config.models, id);
  return findModel(config.models, id)!;
}

/** The worktree reset to the attempt's base, the tools' context in it, and the task's prompt. */
export async function openWorkspace(
  deps: AgentDeps,
  input: RunAgentInput,
): Promise<{ root: string; tools: ToolContext; prompt: string }> {
  const { config } = deps;
  await resetWorktree(input.worktreePath, input.baseCommit);
  const root = await realpath(input.worktreePath);
  const workerEnv = deps.env ?? process.env;
  const tools: ToolContext = {
    root,
    allowedCommands: config.agent.allowedCommands,
    sandbox: sandboxPolicy(config),
    workerEnv,
    secretValues: [...secretValuesOf(workerEnv), ...(deps.apiKey ? [deps.apiKey] : [])],
  };
  const prompt = taskPrompt(
    input,
    tools.allowedCommands,
    designNote(root, config.design?.outDir ?? 'design'),
  );
  return { root, tools, prompt };
}
