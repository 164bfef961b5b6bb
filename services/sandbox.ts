import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { runInSandbox, type SandboxRun } from '../activities/sandbox/run';
import { loadConfig } from './config-file';
import { UserError } from '../lib/errors';
import { sandboxPolicy } from '../lib/sandbox/policy';

export interface SandboxRunOptions {
  cwd: string;
  /** The work folder (default: cwd): the only writable place, as a task's worktree is. */
  dir?: string;
  argv: readonly string[];
  env?: NodeJS.ProcessEnv;
}

export interface SandboxRunReport extends SandboxRun {
  dir: string;
  command: readonly string[];
  network: boolean;
}

/**
 * `br sandbox run`: one command exactly as a task's commands run (same sandbox, environment allow-list,
 * limits and output masking), with the configuration found from the work folder.
 */
export async function runSandboxCommand(options: SandboxRunOptions): Promise<SandboxRunReport> {
  const dir = path.resolve(options.cwd, options.dir ?? '.');
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UserError(`No such folder: ${dir}. Pass an existing folder with --dir.`);
  if (options.argv.length === 0)
    throw new UserError('Give the command after --, for example: br sandbox run -- npm test');
  const env = options.env ?? process.env;
  const { config } = loadConfig({ cwd: dir, env });
  const policy = sandboxPolicy(config);
  const run = await runInSandbox({ argv: options.argv, dir, policy, workerEnv: env });
  return { ...run, dir, command: options.argv, network: policy.network };
}
