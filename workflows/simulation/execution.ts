/** A simulated workflow execution's cancellation state: what a cancel rejects, and how deep in non-cancellable scopes it is (shield). */
export class Execution {
  cancelled = false;
  shield = 0;
  private readonly cancels = new Set<() => void>();
  done = false;

  track(cancel: () => void): () => void {
    if (this.shield > 0) return () => undefined;
    this.cancels.add(cancel);
    return () => void this.cancels.delete(cancel);
  }

  cancel(): void {
    if (this.cancelled || this.done) return;
    this.cancelled = true;
    for (const c of [...this.cancels]) c();
    this.cancels.clear();
  }

  get cancellable(): boolean {
    return this.cancelled && this.shield === 0;
  }
}
