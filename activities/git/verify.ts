import type { VerifyTaskInput } from '../../lib/contracts';
import { FailureClass } from '../../lib/failures';
import { failure } from '../failure';
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
  throw failure(FailureClass.VERIFICATION_FAILED, `Verification command "${input.command}" ${verdict}`, {
    output,
  });
}
