import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CheckQualityGateInput } from '../../lib/contracts';
import { FailureClass } from '../../lib/failures';
import { gateFeedback, type GateReport } from '../../lib/quality';
import type { SandboxPolicy } from '../../lib/sandbox/policy';
import { readRegularFile } from '../safe-fs';
import { redactSecrets, secretValuesOf } from '../../lib/secrets/redact';
import { failure } from '../failure';
import { trimOutput } from '../git/run';
import { sandboxFailure } from '../git/verify';
import { runInSandbox } from '../sandbox/run';
import { BUILDRUNNER_HOOK_ENV, brBin, buildRunnerMounts } from '../sandbox/self';

/**
 * The quality gate of a task's change, before its merge. The measurements load the repository's own
 * code (its ESLint config, its tsconfig and TypeScript), which the model may have written, so they run
 * as `br quality gate` inside the sandbox under the hooks' rules: the worktree the only writable
 * folder (plus a scratch folder for the report), no network, the same limits, output masked.
 * A failing gate is QUALITY_GATE_FAILED carrying the findings for the repair attempt.
 */
/**
 * A gate report is a few KB of findings; anything far larger is not read into the worker. The model's
 * code can write it, and all of it is masked on the worker's thread: 15 MB of percent-encoding held the
 * event loop for 4 s (and at 16 MB overflowed the masking regex's stack); 1 MB takes well under 0.5 s.
 */
const MAX_REPORT_BYTES = 1024 * 1024;

export async function checkQualityGate(input: CheckQualityGateInput, policy: SandboxPolicy): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'br-gate-'));
  const reportFile = path.join(scratch, 'gate.json');
  const env: Record<string, string> = {};
  for (const n of BUILDRUNNER_HOOK_ENV) if (process.env[n]) env[n] = process.env[n]!;
  try {
    const run = await runInSandbox({
      argv: [
        process.execPath,
        brBin(),
        'quality',
        'gate',
        '--base',
        input.baseCommit,
        '--committed',
        '--settings',
        JSON.stringify(input.gate),
        '--output',
        reportFile,
      ],
      dir: input.worktreePath,
      policy: { ...policy, timeoutSeconds: input.gate.timeoutSeconds },
      env,
      readOnly: buildRunnerMounts(),
      writable: [scratch],
    }).catch((err: unknown) => {
      throw sandboxFailure(err);
    });
    let report: GateReport | null = null;
    try {
      // The sandbox could write the scratch folder: the report may be a symlink or a FIFO by now.
      report = JSON.parse(readRegularFile(reportFile, MAX_REPORT_BYTES) ?? 'null') as GateReport | null;
    } catch {
      report = null;
    }
    if (run.code === 0 && report?.passed) return;
    // A limit of the gate itself stopped it: nothing the model changes can fix that, so it is the
    // user's to fix (non-retryable), not a repair attempt and a stronger model for every task.
    if (!report && (run.timedOut || run.outputLimited || run.memoryLimited))
      throw failure(
        FailureClass.CONFIG_INVALID,
        `The quality gate could not judge task ${input.taskId}: it ${run.verdict}. Raise quality.gate.timeoutSeconds ` +
          `(now ${input.gate.timeoutSeconds}) or the sandbox limits, or measure less (quality.gate.measure).`,
        { output: trimOutput(run.output) },
      );
    // No report otherwise: the gate could not run on this change (a broken tsconfig, a config it
    // cannot load), which the agent may have caused: fed back like a failed gate.
    const output = report
      ? redactSecrets(gateFeedback(report), secretValuesOf(process.env))
      : trimOutput(`The quality gate could not run (${run.verdict}):\n${run.output}`);
    const headline = report
      ? (report.failed[0] ?? 'the gate failed')
      : `the gate could not run (${run.verdict})`;
    throw failure(
      FailureClass.QUALITY_GATE_FAILED,
      `The quality gate refused task ${input.taskId}: ${headline}`,
      { output: trimOutput(output) },
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
