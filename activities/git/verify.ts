import { ApplicationFailure } from '@temporalio/common';
import type { VerifyTaskInput } from '../../lib/contracts';
import { FailureClass, type FailureDetails } from '../../lib/failures';
import { redactKeys, scrubEnv } from '../../lib/child-env';
import { runCommand } from '../../lib/command';
import { trimOutput } from './run';

export { splitCommand, runCommand } from '../../lib/command';

export async function verifyTask(input: VerifyTaskInput): Promise<void> {
  // The command runs code the model wrote: no worker secrets in its environment, none in its output.
  const run = await runCommand(
    input.command,
    input.worktreePath,
    input.timeoutSeconds,
    scrubEnv(process.env),
  );
  if (run.code === 0 && !run.timedOut) return;
  const verdict = run.timedOut
    ? `timed out after ${input.timeoutSeconds}s`
    : `exited with code ${run.code ?? 'null (killed)'}`;
  const output = redactKeys(trimOutput(`$ ${input.command}\n${run.output}\n(${verdict})`));
  const details: FailureDetails = { output };
  throw ApplicationFailure.create({
    type: FailureClass.VERIFICATION_FAILED,
    message: `Verification command "${input.command}" ${verdict}`,
    details: [details],
  });
}
