import { stripVTControlCharacters } from 'node:util';

/**
 * How the CLI reports a failed command: one shape for every front end that prints errors. `code` is
 * stable for scripts, `message` says what happened, `hint` what to do next (taken from the error when
 * it carries one; a failure-class table can fill it in here). Exit codes are in EXIT.
 */

/** Exit codes of every `br` command (build watch adds its outcomes, see the README). */
export const EXIT = {
  ok: 0,
  /** The command failed, or ran and found problems. */
  failure: 1,
  /** The command line itself is wrong: unknown command, option or value. */
  usage: 2,
} as const;

export interface ErrorReport {
  code: string;
  message: string;
  hint: string | null;
}

const USAGE_ERRORS = new Set(['UsageError', 'UnknownSyntaxError', 'AmbiguousSyntaxError']);

function codeOf(err: Error & { code?: unknown; type?: unknown }): string {
  if (typeof err.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(err.code)) return err.code;
  // An ApplicationFailure that reached the CLI: its failure class.
  if (err.name === 'ApplicationFailure' && typeof err.type === 'string') return err.type;
  if (USAGE_ERRORS.has(err.name)) return 'USAGE';
  if (err.name === 'UserError') return 'ERROR';
  if ((err as { clipanion?: unknown }).clipanion === undefined) return 'INTERNAL';
  // SpecReferenceError → SPEC_REFERENCE, TemporalUnreachableError → TEMPORAL_UNREACHABLE.
  return err.name
    .replace(/Error$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase();
}

export function describeError(err: unknown): ErrorReport & { exitCode: number; internal: boolean } {
  const error: Error & { code?: unknown; hint?: unknown } =
    err instanceof Error ? err : new Error(String(err));
  const code = codeOf(error);
  const hint = typeof error.hint === 'string' && error.hint ? error.hint : null;
  return {
    code,
    message: error.message,
    hint,
    exitCode: code === 'USAGE' ? EXIT.usage : EXIT.failure,
    internal: code === 'INTERNAL',
  };
}

/** The text written to stderr: the JSON object with --json, else the message, hint and (for bugs) the stack. */
export function renderError(err: unknown, json: boolean): string {
  const report = describeError(err);
  if (json) {
    const { code, message, hint } = report;
    return `${JSON.stringify({ code, message, hint })}\n`;
  }
  // A failure with a class reads as everywhere else (cli/render/failure.ts): "CLASS: message", "hint: …".
  const generic = report.code === 'ERROR' || report.code === 'INTERNAL' || report.code === 'USAGE';
  const lines = [`${generic ? 'Error' : report.code}: ${report.message}`];
  if (report.hint) lines.push(`hint: ${report.hint}`);
  if (report.internal && err instanceof Error && err.stack)
    lines.push(
      err.stack.split('\n').slice(1).join('\n'),
      'This is a bug in br; please report it with the lines above.',
    );
  // Messages quote task files, specs and tags: escape sequences and control characters in them are
  // dropped so an error cannot retitle or clear the terminal; the message's own line breaks stay.
  return `${inert(lines.join('\n'))}\n`;
}

function inert(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return stripVTControlCharacters(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}
