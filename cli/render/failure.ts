import type { Writable } from 'node:stream';
import { UserError } from '../../lib/errors';
import type { ExplainedFailure } from '../../lib/failure-hints';

/**
 * How a failure reads in the CLI: the message, then what to do next. The same `{ code, message,
 * hint }` as --json, from lib/failure-hints.ts, so a failure reads the same in every command.
 */
export function failureLines(f: ExplainedFailure, indent = ''): string[] {
  return [`${indent}${f.code}: ${f.message}`, ...(f.hint ? [`${indent}hint: ${f.hint}`] : [])];
}

/** A UserError's `{ code, message, hint }` when it carries a code; else null. */
export function explainedError(err: unknown): ExplainedFailure | null {
  if (!(err instanceof UserError) || !err.code) return null;
  return { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
}

/**
 * Prints a refusal that carries a code (JSON on stdout with --json, text on stderr) and returns exit
 * code 1; anything else is rethrown for the CLI's own error handling.
 */
export function printRefusal(
  err: unknown,
  out: { stdout: Writable; stderr: Writable; json: boolean },
): number {
  const f = explainedError(err);
  if (!f) throw err;
  if (out.json) out.stdout.write(`${JSON.stringify(f, null, 2)}\n`);
  else out.stderr.write(`${failureLines(f).join('\n')}\n`);
  return 1;
}
