import { hintFor } from './failure-hints';
import type { FailureClass } from './failures';

/**
 * Errors a user can act on: the CLI prints their message (which says what to do next) without a
 * stack trace and exits 1. Anything else is a bug and is printed with its stack. `code` and `hint`
 * are what `--json` prints beside the message (`{ code, message, hint }`).
 */
export class UserError extends Error {
  /** Read by clipanion: print the message only. */
  readonly clipanion = { type: 'none' as const };
  readonly code: string | undefined;
  readonly hint: string | undefined;
  constructor(message: string, options: { code?: string; hint?: string } = {}) {
    super(message);
    this.name = new.target.name;
    this.code = options.code;
    this.hint = options.hint ?? hintFor(options.code);
  }
}

/**
 * A bad option value, wrong on its face (format, range, choice): a usage error, so the CLI exits 2
 * as for clipanion's own (README, "Exit codes"). A well-formed value naming something that does not
 * exist (a file, a git ref, a build) is a failure instead.
 */
export function badValue(message: string): UserError {
  return new UserError(message, { code: 'USAGE' });
}

/** A user-fixable failure of a class in the catalog: its hint comes from lib/failure-hints.ts. */
export function userFailure(code: FailureClass, message: string): UserError {
  return new UserError(message, { code });
}

/** The Temporal server cannot be reached; the message says how to start one. */
export class TemporalUnreachableError extends UserError {
  constructor(address: string, cause: unknown) {
    const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0] || 'unknown';
    super(
      `Cannot reach the Temporal server at ${address} (${reason}). Start one with \`br dev\` (local dev stack) ` +
        'or `docker compose up -d` (see docker-compose.yml), or point TEMPORAL_ADDRESS at a running cluster.',
      { code: 'REMOTE_UNREACHABLE' },
    );
  }
}
