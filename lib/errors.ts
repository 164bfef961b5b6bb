/**
 * Errors a user can act on: the CLI prints their message (which says what to do next) without a
 * stack trace and exits 1. Anything else is a bug and is printed with its stack.
 */
export class UserError extends Error {
  /** Read by clipanion: print the message only. */
  readonly clipanion = { type: 'none' as const };
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The Temporal server cannot be reached; the message says how to start one. */
export class TemporalUnreachableError extends UserError {
  constructor(address: string, cause: unknown) {
    const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0] || 'unknown';
    super(
      `Cannot reach the Temporal server at ${address} (${reason}). Start one with \`br dev\` (local dev stack) ` +
        'or `docker compose up -d` (see docker-compose.yml), or point TEMPORAL_ADDRESS at a running cluster.',
    );
  }
}
