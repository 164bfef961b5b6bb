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
