/** What both coding-agent engines tell Claude: the working rules, the task, and the design system note. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RunAgentInput } from '../../../lib/contracts';

const TOOL_RULES = `list_files, read_file, search_files to explore; write_file and edit_file to change files;
run_command to run the project's allowed test, lint and build commands.
All paths are relative to the repository root; you cannot leave it, and you cannot touch .git.
Do not commit: the build commits your changes and runs the repository's hooks.`;

/** The builtin loop's system prompt: it ends the attempt with the `finish` tool. */
export const BUILTIN_SYSTEM = `You are a senior software engineer working inside a git worktree of a repository.
Implement the task you are given, completely and carefully, using only the tools:
${TOOL_RULES}
When the work is done and checked, call finish with a short summary.`;

/** Appended to Claude Code's own system prompt: its tools come from the MCP server `server`; it ends by answering. */
export function claudeCodeSystemAppend(server: string): string {
  return `You work inside a git worktree of a repository, only through the ${server} tools:
${TOOL_RULES}
When the work is done and checked, answer with a short summary and no tool call.`;
}

/** The line that points the agent at the repository's design system, when the build wrote one. */
export function designNote(root: string, outDir: string): string | null {
  if (!existsSync(path.join(root, outDir, 'DESIGN.md'))) return null;
  return (
    `This repository has a design system in ${outDir}/. Before writing any UI, read ${outDir}/DESIGN.md and follow it: ` +
    `style only with the semantic utilities of ${outDir}/theme.css, use only the colour pairs it lists, keep its sizes.`
  );
}

export function taskPrompt(
  input: RunAgentInput,
  allowed: readonly string[],
  design: string | null = null,
): string {
  const t = input.task;
  return [
    `Task ${t.id}: ${t.title}`,
    '',
    t.description,
    '',
    `Acceptance criteria:\n${t.acceptance.map((a) => `- ${a}`).join('\n') || '- (none given)'}`,
    `Files you are expected to create or change: ${t.files.join(', ') || '(not specified)'}`,
    `Commands you may run: ${allowed.join(', ') || '(none)'}`,
    ...(design ? ['', design] : []),
    ...(input.repairFeedback
      ? [
          '',
          'A previous attempt was rejected by the checks with this output; fix the cause:',
          input.repairFeedback,
        ]
      : []),
  ].join('\n');
}
