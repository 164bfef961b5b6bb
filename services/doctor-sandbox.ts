import { detectSandbox } from '../activities/sandbox/detect';
import type { DoctorCheck } from './doctor-check';

/** The `br doctor` line: which sandbox model-written code runs in here, or why it would be refused. */
export function checkSandbox(
  mode: 'bwrap' | 'off',
  network: boolean,
  env: NodeJS.ProcessEnv = process.env,
): DoctorCheck {
  if (mode === 'off')
    return {
      name: 'sandbox',
      status: 'warn',
      detail: 'off (agent.sandbox is "off"): model-written code runs with your user\'s permissions',
      fix: 'Install bubblewrap and remove "sandbox": "off" from the agent section of buildrunner.config.json.',
    };
  const status = detectSandbox(env);
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
