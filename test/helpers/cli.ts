import { PassThrough } from 'node:stream';
import { runCli } from '../../cli/main';
import type { ServiceContext } from '../../services/context';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `br` in-process with captured output, in the given working folder and environment. */
export async function runBr(
  argv: string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    services?: Partial<ServiceContext>;
    isTTY?: boolean;
  } = {},
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const previousCwd = process.cwd();
  const previousEnv = { ...process.env };
  if (options.cwd) process.chdir(options.cwd);
  if (options.env) {
    for (const [k, v] of Object.entries(options.env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  try {
    if (options.isTTY) Object.assign(stdout, { isTTY: true, columns: 120 });
    const code = await runCli(argv, {
      stdout,
      stderr,
      stdin: process.stdin,
      colorDepth: 1,
      services: options.services,
    });
    return { code, stdout: out, stderr: err };
  } finally {
    process.chdir(previousCwd);
    for (const k of Object.keys(process.env)) if (!(k in previousEnv)) delete process.env[k];
    Object.assign(process.env, previousEnv);
  }
}
