/**
 * Which attempts may run once a merge conflict could not be resolved (issue 36). A request that claims
 * files is a redo after a failed resolution: it runs alone, after every other running attempt has
 * ended (or, once tasks ask leave to resolve, every one that could land a change under it:
 * conflict-overlap.ts) and with none starting beside it, so nothing can change the file under it and it
 * cannot conflict again unless its own change cannot merge. Nobody knows which other tasks touch the file:
 * once its resolutions fail at least as often as they succeed (or, in builds from before resolutions
 * were reported, after the first failure), the file is hot and every later attempt of the build runs
 * alone too, redos first, as a serial build would, instead of racing for it and paying failed
 * resolutions again. Pure state, no I/O: the task book asks it before each grant.
 */
import type { ReservationRequest } from './port';
import { normalizeClaim } from './scheduler';
import type { CarriedConflicts } from './types';

/** Resolutions tried in the build, by file: how many settled the conflict and how many failed. */
export class ResolutionTally {
  private readonly byFile = new Map<string, { resolved: number; failed: number }>();

  constructor(carried: Record<string, { resolved: number; failed: number }> = {}) {
    for (const [f, t] of Object.entries(carried)) this.byFile.set(f, { ...t });
  }

  toJSON(): Record<string, { resolved: number; failed: number }> {
    return Object.fromEntries([...this.byFile].map(([f, t]) => [f, { ...t }]));
  }

  add(resolution: { files: readonly string[]; resolved: boolean }): void {
    for (const f of new Set(resolution.files.map(normalizeClaim))) {
      const t = this.byFile.get(f) ?? { resolved: 0, failed: 0 };
      if (resolution.resolved) t.resolved += 1;
      else t.failed += 1;
      this.byFile.set(f, t);
    }
  }

  /** Files whose resolutions failed at least once and at least as often as they succeeded. */
  mostlyFailing(): string[] {
    return [...this.byFile].filter(([, t]) => t.failed > 0 && t.failed >= t.resolved).map(([f]) => f);
  }
}

export class ConflictGate {
  /** Files learned from conflicts no resolution settled (the redos' claims). */
  readonly learned = new Set<string>();
  /** Tasks whose redo waits for the others to end, in arrival order. */
  private readonly redos = new Set<string>();
  /** Tasks whose redo runs now: nothing starts beside it. */
  private readonly running = new Set<string>();

  /** `tally` absent: the older rule, every file a redo claims is hot at once. */
  constructor(
    private readonly tally?: ResolutionTally,
    learned: readonly string[] = [],
  ) {
    for (const f of learned) this.learned.add(f);
  }

  /** What the next run starts from after continue-as-new (no attempt runs or waits then). */
  carry(): CarriedConflicts {
    return { learned: [...this.learned], ...(this.tally ? { resolutions: this.tally.toJSON() } : {}) };
  }

  /** Files that make every attempt run alone. */
  get hot(): Set<string> {
    if (!this.tally) return this.learned;
    return new Set(this.tally.mostlyFailing());
  }

  /**
   * Whether `request` may run now, given the tasks whose attempts are running (`active`). A redo waits
   * until no other attempt runs; any other attempt waits for the redos, and while a file is hot, for
   * every running attempt too.
   */
  mayRun(request: ReservationRequest, active: Iterable<string>): boolean {
    const alone = ![...active].some((id) => id !== request.taskId);
    if (request.claims?.length) {
      for (const f of request.claims) this.learned.add(normalizeClaim(f));
      this.redos.add(request.taskId);
      return alone && this.first(request.taskId);
    }
    const others = (ids: Set<string>) => [...ids].some((id) => id !== request.taskId);
    if (others(this.redos) || others(this.running)) return false;
    return alone || this.hot.size === 0;
  }

  /** Whether a redo runs now (no resolution may land under it: conflict-overlap.ts). */
  get redoRunning(): boolean {
    return this.running.size > 0;
  }

  /** The task's attempt was granted: a redo among them now runs alone. */
  granted(taskId: string): void {
    if (this.redos.delete(taskId)) this.running.add(taskId);
  }

  /** The task's attempt ended (or the task did, or its request was refused). */
  ended(taskId: string): void {
    this.redos.delete(taskId);
    this.running.delete(taskId);
  }

  /** The earliest waiting redo goes first, so two redos cannot keep each other waiting. */
  private first(taskId: string): boolean {
    return this.redos.values().next().value === taskId;
  }
}
