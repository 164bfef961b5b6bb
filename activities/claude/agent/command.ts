import { splitCommand as splitWords } from '../../command';
import { argumentProblem } from '../../../lib/sandbox/args';
import type { SandboxPolicy } from '../../../lib/sandbox/policy';
import { runInSandbox } from '../../sandbox/run';
import { ToolError } from './paths';

/**
 * run_command: only configured commands (exact, or a configured prefix followed by arguments that stay
 * inside the worktree), split into argv and run without a shell in the sandbox (activities/sandbox),
 * with its limits, an allow-listed environment, and truncated, secret-masked output.
 */

// Moved to lib/child-env.ts: verification and commit hooks run model-written code too.
export { scrubEnv } from '../../../lib/child-env';

/** Splits a command line into words (activities/command.ts); a quoting mistake is the model's, told as a tool error. */
export function splitCommand(command: string): string[] {
  try {
    return splitWords(command);
  } catch {
    throw new ToolError('Unbalanced quote in the command.');
  }
}

export function isAllowed(command: string, allowed: readonly string[]): boolean {
  const words = splitCommand(command);
  return allowed.some((entry) => {
    const prefix = splitCommand(entry);
    return prefix.length > 0 && prefix.length <= words.length && prefix.every((w, i) => words[i] === w);
  });
}

export function truncateMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}\n… [${text.length - max} characters cut] …\n${text.slice(-half)}`;
}

export interface CommandResult {
  exitCode: number | null;
  timedOut: boolean;
  output: string;
  /** Exit code, or the limit that stopped the command. */
  verdict: string;
}

export async function runAllowedCommand(options: {
  command: string;
  allowed: readonly string[];
  cwd: string;
  policy: SandboxPolicy;
  workerEnv?: NodeJS.ProcessEnv;
  maxOutputChars?: number;
}): Promise<CommandResult> {
  if (typeof options.command !== 'string' || !options.command.trim())
    throw new ToolError('"command" is required.');
  if (!isAllowed(options.command, options.allowed))
    throw new ToolError(
      `Command not allowed: "${options.command}". Allowed (exactly, or followed by arguments): ${options.allowed.map((c) => `"${c}"`).join(', ')}.`,
    );
  const argv = splitCommand(options.command);
  const problem = argumentProblem(argv.slice(1), options.cwd);
  if (problem) throw new ToolError(`Command not allowed: ${problem}`);
  const run = await runInSandbox({
    argv,
    dir: options.cwd,
    policy: options.policy,
    workerEnv: options.workerEnv,
  });
  return {
    exitCode: run.code,
    timedOut: run.timedOut,
    verdict: run.verdict,
    output: truncateMiddle(run.output, options.maxOutputChars ?? 20_000),
  };
}
