/**
 * Which attempts may run once a merge conflict could not be resolved (issue 36). A request that claims
 * files is a redo after a failed resolution: it runs alone, after every other running attempt has
 * ended and with none starting beside it, so nothing can change the file under it and it cannot
 * conflict again unless its own change cannot merge. The file is then known to be shared by tasks that
 * do not list it, and nobody can tell which: every later attempt of the build runs alone too, redos
 * first, as a serial build would, instead of racing to merge it and paying a failed resolution again.
 * Pure state, no I/O: the task book asks it before each grant.
 */
import type { ReservationRequest } from './port';
import { normalizeClaim } from './scheduler';

export class ConflictGate {
  /** Files whose conflict a resolution could not settle: from then on attempts run one at a time. */
  readonly hot = new Set<string>();
  /** Tasks whose redo waits for the others to end, in arrival order. */
  private readonly redos = new Set<string>();

  /**
   * Whether `request` may run now, given the tasks whose attempts are running (`active`). A redo waits
   * until no other attempt runs; any other attempt waits for the redos, and once a file is hot, for
   * every running attempt too.
   */
  mayRun(request: ReservationRequest, active: Iterable<string>): boolean {
    const alone = ![...active].some((id) => id !== request.taskId);
    if (request.claims?.length) {
      for (const f of request.claims) this.hot.add(normalizeClaim(f));
      this.redos.add(request.taskId);
      return alone && this.first(request.taskId);
    }
    if ([...this.redos].some((id) => id !== request.taskId)) return false;
    return this.hot.size === 0 || alone;
  }

  /** The task's attempt was granted (or the task ended): it no longer waits. */
  settled(taskId: string): void {
    this.redos.delete(taskId);
  }

  /** The earliest waiting redo goes first, so two redos cannot keep each other waiting. */
  private first(taskId: string): boolean {
    return this.redos.values().next().value === taskId;
  }
}
