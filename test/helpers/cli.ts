import { PassThrough } from 'node:stream';
import { runCli } from '../../cli/main';
import type { ServiceContext } from '../../services/context';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `br` in-process with captured output, in the given working folder and environment. Both travel
 * on the CLI context (cli/base.ts), so the test's own process is left as it was: no chdir, and
 * process.env untouched. `env` adds to (or, with undefined, removes from) the test's environment.
 */
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
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  if (options.isTTY) Object.assign(stdout, { isTTY: true, columns: 120 });
  const code = await runCli(argv, {
    stdout,
    stderr,
    stdin: process.stdin,
    colorDepth: 1,
    cwd: options.cwd ?? process.cwd(),
    env,
    services: options.services,
  });
  return { code, stdout: out, stderr: err };
}
