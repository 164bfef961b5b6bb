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

const MAX_KEPT = 1_000_000;

export interface CommandRun {
  code: number | null;
  output: string;
  timedOut: boolean;
  /** The command printed more than `maxOutputBytes` and was killed. */
  outputLimited?: boolean;
}

export interface RunArgvOptions {
  cwd: string;
  timeoutSeconds: number;
  env?: NodeJS.ProcessEnv;
  /** Kill the command once it has printed this many bytes (a flood must not fill memory or a history). */
  maxOutputBytes?: number;
  /** Called once the command has exited or been killed, before the result is returned. */
  afterExit?: () => Promise<void> | void;
  /** Kills the command's process group when aborted (a limit the caller watches, such as disk use). */
  signal?: AbortSignal;
}

/**
 * Runs a command without a shell, stdout and stderr interleaved. It gets its own process group, so the
 * timeout kills what it started too (`npm test` → sh → jest would otherwise keep the pipes open and
 * outlive the timeout), and leftovers still running when it exits are killed as well.
 */
export function runCommand(
  command: string,
  cwd: string,
  timeoutSeconds: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CommandRun> {
  return runArgv(splitCommand(command), { cwd, timeoutSeconds, env });
}

export function runArgv(argv: readonly string[], options: RunArgvOptions): Promise<CommandRun> {
  const [file, ...args] = argv;
  if (!file) return Promise.resolve({ code: 127, output: 'empty command', timedOut: false });
  const limit = options.maxOutputBytes ?? Number.POSITIVE_INFINITY;
  return new Promise((resolve) => {
    let output = '';
    let printed = 0;
    let timedOut = false;
    let outputLimited = false;
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    if (options.signal?.aborted) killGroup();
    options.signal?.addEventListener('abort', killGroup, { once: true });
    const collect = (c: Buffer) => {
      if (outputLimited) return;
      printed += c.length;
      output += c.toString();
      if (printed > limit) {
        outputLimited = true;
        killGroup();
      }
      // Callers keep the end (where runners print the verdict); a runaway command must not exhaust memory.
      if (output.length > MAX_KEPT * 2) output = output.slice(-MAX_KEPT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let settled = false;
    const finish = async (run: CommandRun) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', killGroup);
      if (child.pid) killGroup();
      await options.afterExit?.();
      resolve(run);
    };
    child.on('error', (err) => {
      void finish({ code: 127, output: `${output}\ncould not start "${file}": ${err.message}`, timedOut });
    });
    child.on('close', (code) => {
      void finish({ code, output, timedOut, ...(outputLimited ? { outputLimited } : {}) });
    });
  });
}
