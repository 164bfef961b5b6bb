import type { VerifyTaskInput } from '../../lib/contracts';
import { splitCommand } from '../command';
import { FailureClass } from '../../lib/failures';
import type { SandboxPolicy } from '../../lib/sandbox/policy';
import { failure } from '../failure';
import { SandboxUnavailableError } from '../sandbox/detect';
import { runInSandbox } from '../sandbox/run';
import { trimOutput } from './run';

export { splitCommand, runCommand } from '../command';

/** A missing sandbox is the user's to fix (install bubblewrap or opt out): no retry, no repair attempt. */
export function sandboxFailure(err: unknown): unknown {
  return err instanceof SandboxUnavailableError
    ? failure(FailureClass.SANDBOX_UNAVAILABLE, err.message)
    : err;
}

export async function verifyTask(input: VerifyTaskInput, policy: SandboxPolicy): Promise<void> {
  // The command runs code the model wrote: sandboxed, allow-listed environment, masked output.
  const run = await runInSandbox({
    argv: splitCommand(input.command),
    dir: input.worktreePath,
    policy: { ...policy, timeoutSeconds: input.timeoutSeconds },
  }).catch((err: unknown) => {
    throw sandboxFailure(err);
  });
  if (run.code === 0 && !run.timedOut && !run.outputLimited) return;
  const output = trimOutput(`$ ${input.command}\n${run.output}\n(${run.verdict})`);
  throw failure(FailureClass.VERIFICATION_FAILED, `Verification command "${input.command}" ${run.verdict}`, {
    output,
  });
}
