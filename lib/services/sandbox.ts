import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { detectSandbox } from '../../activities/sandbox/detect';
import { runInSandbox, type SandboxRun } from '../../activities/sandbox/run';
import { loadConfig } from '../config';
import { UserError } from '../errors';
import { sandboxPolicy } from '../sandbox/policy';
import type { DoctorCheck } from './doctor';

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

/** The `br doctor` line: which sandbox model-written code runs in here, or why it would be refused. */
export function checkSandbox(mode: 'bwrap' | 'off', network: boolean): DoctorCheck {
  if (mode === 'off')
    return {
      name: 'sandbox',
      status: 'warn',
      detail: 'off (agent.sandbox is "off"): model-written code runs with your user\'s permissions',
      fix: 'Install bubblewrap and remove "sandbox": "off" from the agent section of buildrunner.config.json.',
    };
  const status = detectSandbox();
  if (!status.available)
    return {
      name: 'sandbox',
      status: 'fail',
      detail: `none: ${status.reason ?? 'bubblewrap unavailable'}; workers will refuse to run model-written commands`,
      fix: 'Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap), or set "agent": { "sandbox": "off" } to accept running without one.',
    };
  return {
    name: 'sandbox',
    status: 'ok',
    detail: `${status.version ?? 'bubblewrap'}, network ${network ? 'allowed (agent.network)' : 'off'}`,
  };
}
