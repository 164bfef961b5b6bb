import { spawn } from 'node:child_process';
import { ToolError } from './paths';

/**
 * run_command: only configured commands (exact, or a configured prefix followed by arguments), split
 * into argv and spawned without a shell, with a timeout, truncated output and an environment scrubbed
 * of secrets (the model-written code runs in it).
 */

// Moved to lib/child-env.ts: verification and commit hooks run model-written code too.
export { scrubEnv } from '../../../lib/child-env';

/** Splits a command line into words; single and double quotes group, nothing else is interpreted. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let inWord = false;
  for (const ch of command) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new ToolError('Unbalanced quote in the command.');
  if (inWord) words.push(current);
  return words;
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
  const [file, ...args] = splitCommand(options.command);
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    // detached: the command gets its own process group, so a timeout kills its children too.
    const child = spawn(file!, args, {
      cwd: options.cwd,
      env: options.env,
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      if (output.length < 4_000_000) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutSeconds * 1000);
    const done = (exitCode: number | null, extra = '') => {
      clearTimeout(timer);
      // Whatever the command left running in the background (a dev server, a watcher) ends with it.
      if (child.pid) killGroup();
      resolve({
        exitCode,
        timedOut,
        output: truncateMiddle(output + extra, options.maxOutputChars ?? 20_000),
      });
    };
    child.on('error', (err) => done(null, `\n${err.message}`));
    child.on('close', (code) => done(code));
  });
}
