/**
 * A redo after a failed resolution need not wait for the attempts that were running before its task's
 * last try began (issue 36): their worktrees predate the merge it conflicted with, so any change of
 * theirs to its files conflicts too, and the resolution of such a conflict waits (a permit) until no
 * redo runs. The redo waits only for attempts granted after its task's last one, and for resolutions
 * under way: either could land a change to its files before its merge. Pure state, no I/O.
 */
import type { ReservationGrant, ReservationRequest } from './port';

export class ConflictOverlap {
  /** `besideOlder` false (histories from before): redos wait for every attempt, leave is given at once. */
  constructor(readonly besideOlder: boolean) {}

  /** Tasks asking leave to resolve, with their attempt. */
  private readonly waiting = new Map<string, number>();
  /** Tasks resolving now (leave given, attempt not ended). */
  private readonly resolving = new Set<string>();

  /** A task asks leave to resolve a conflict of its running attempt. */
  ask(request: ReservationRequest): void {
    this.waiting.set(request.taskId, request.attempt);
  }

  /** The leave to give now: none while a redo runs alone; each one given counts as resolving. */
  answer(redoRunning: boolean): ReservationGrant[] {
    if (redoRunning && this.besideOlder) return [];
    const given = [...this.waiting].map(([taskId, attempt]) => ({
      taskId,
      attempt,
      granted: true,
      resolve: true as const,
    }));
    for (const g of given) this.resolving.add(g.taskId);
    this.waiting.clear();
    return given;
  }

  /** The task's attempt ended (or the task did). */
  ended(taskId: string): void {
    this.waiting.delete(taskId);
    this.resolving.delete(taskId);
  }

  /**
   * Of the running attempts (`active`), those a redo of `taskId` must wait for; `grantedAt`: when each
   * task's latest attempt was granted.
   */
  blockers(active: Iterable<string>, taskId: string, grantedAt: ReadonlyMap<string, number>): string[] {
    const last = grantedAt.get(taskId) ?? -Infinity;
    return [...active].filter(
      (id) => id !== taskId && (this.resolving.has(id) || (grantedAt.get(id) ?? Infinity) > last),
    );
  }
}
