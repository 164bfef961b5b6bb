import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findClaudeAgentSdk } from '../activities/claude/code/sdk';
import type { DoctorCheck } from './doctor-check';

/** The `br doctor` line for the coding-agent engine: the claude-code engine needs its opt-in install. */
export function checkEngine(engine: 'builtin' | 'claude-code', root?: string): DoctorCheck {
  const entry = findClaudeAgentSdk(root);
  if (engine === 'builtin')
    return {
      name: 'agent engine',
      status: 'ok',
      detail: `builtin${entry ? ' (claude-code also installed)' : ''}`,
    };
  if (!entry)
    return {
      name: 'agent engine',
      status: 'fail',
      detail: 'claude-code (agent.engine), but the Claude Agent SDK is not installed: agent tasks will fail',
      fix: 'Run `bash scripts/install-claude-code.sh` in the BuildRunner folder (about 420 MB), or set "agent": { "engine": "builtin" }.',
    };
  const { version } = JSON.parse(readFileSync(path.join(path.dirname(entry), 'package.json'), 'utf8')) as {
    version: string;
  };
  return {
    name: 'agent engine',
    status: 'ok',
    detail: `claude-code (Claude Agent SDK ${version}, ${path.dirname(entry)})`,
  };
}
