import { spawn } from 'node:child_process';

/** Splits a command line into arguments, honouring single and double quotes and backslashes; no shell. */
export function splitCommand(command: string): string[] {
  const args: string[] = [];
  let current = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) current += command[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < command.length) {
      current += command[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) args.push(current);
      current = '';
      has = false;
    } else {
      current += c;
      has = true;
    }
  }
  if (quote) throw new Error(`Unclosed ${quote} quote in command: ${command}`);
  if (has) args.push(current);
  return args;
}

export interface CommandRun {
  code: number | null;
  output: string;
  timedOut: boolean;
}

/** Runs a command without a shell, stdout and stderr interleaved, killed after the timeout. */
export function runCommand(command: string, cwd: string, timeoutSeconds: number): Promise<CommandRun> {
  const [file, ...args] = splitCommand(command);
  if (!file) return Promise.resolve({ code: 127, output: 'empty command', timedOut: false });
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, output: `${output}\ncould not start "${file}": ${err.message}`, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}
