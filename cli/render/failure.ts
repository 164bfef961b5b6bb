import type { ExplainedFailure } from '../../lib/failure-hints';

/**
 * How a failure reads in the CLI: the message, then what to do next. The same `{ code, message,
 * hint }` as --json, from lib/failure-hints.ts, so a failure reads the same in every command.
 */
export function failureLines(f: ExplainedFailure, indent = ''): string[] {
  return [`${indent}${f.code}: ${f.message}`, ...(f.hint ? [`${indent}hint: ${f.hint}`] : [])];
}
