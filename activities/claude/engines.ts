import type { BuildRunnerConfig } from '../../lib/config';
import { runAgentLoop } from './agent/loop';
import type { AgentEngine } from './attempt/workspace';
import { runClaudeCode } from './code/engine';

export type EngineName = BuildRunnerConfig['agent']['engine'];

/** The coding-agent engines by their config name (`agent.engine`); each keeps the contract of AgentEngine. */
export const ENGINES: Record<EngineName, AgentEngine> = {
  builtin: runAgentLoop,
  'claude-code': runClaudeCode,
};
