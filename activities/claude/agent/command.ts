import { runCommand, splitCommand as splitWords } from '../../../lib/command';
import { ToolError } from './paths';

/**
 * run_command: only configured commands (exact, or a configured prefix followed by arguments), split
 * into argv and spawned without a shell, with a timeout, truncated output and an environment scrubbed
 * of secrets (the model-written code runs in it).
 */

// Moved to lib/child-env.ts: verification and commit hooks run model-written code too.
export { scrubEnv } from '../../../lib/child-env';

/** Splits a command line into words (lib/command.ts); a quoting mistake is the model's, told as a tool error. */
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
}

export async function runAllowedCommand(options: {
  command: string;
  allowed: readonly string[];
  cwd: string;
  timeoutSeconds: number;
  env: NodeJS.ProcessEnv;
  maxOutputChars?: number;
}): Promise<CommandResult> {
  if (typeof options.command !== 'string' || !options.command.trim())
    throw new ToolError('"command" is required.');
  if (!isAllowed(options.command, options.allowed))
    throw new ToolError(
      `Command not allowed: "${options.command}". Allowed (exactly, or followed by arguments): ${options.allowed.map((c) => `"${c}"`).join(', ')}.`,
    );
  // Own process group, timeout and background leftovers killed: the shared runner (lib/command.ts).
  const run = await runCommand(options.command, options.cwd, options.timeoutSeconds, options.env);
  return {
    exitCode: run.code,
    timedOut: run.timedOut,
    output: truncateMiddle(run.output, options.maxOutputChars ?? 20_000),
  };
}
