import type { BudgetLedger } from './budget';
import type { ReservationGrant, ReservationRequest } from './port';

/**
 * Budget reservations that tasks asked for and the ledger could not grant yet. Answered in arrival
 * order whenever the build loop comes round: all refused once the build stops, otherwise each one the
 * ledger can now cover and whose claimed files no running attempt claims. Requests that arrive while answers are being sent wait for the next round.
 */
export class ReservationQueue {
  private held: ReservationRequest[] = [];

  get isEmpty(): boolean {
    return this.held.length === 0;
  }

  push(request: ReservationRequest): void {
    this.held.push(request);
  }

  async answer(
    ledger: BudgetLedger,
    stopping: () => boolean,
    send: (grant: ReservationGrant) => Promise<void>,
    /** False holds a request back for a later round (its claimed files are being changed now). */
    mayRun: (request: ReservationRequest) => boolean = () => true,
  ): Promise<void> {
    const still: ReservationRequest[] = [];
    const held = this.held;
    this.held = [];
    for (const req of held) {
      if (stopping()) await send({ taskId: req.taskId, attempt: req.attempt, granted: false });
      else if (!mayRun(req)) still.push(req);
      else {
        const answer = ledger.request(req);
        if (answer.granted)
          await send({ taskId: req.taskId, attempt: req.attempt, granted: true, usd: answer.usd });
        else still.push(req);
      }
    }
    this.held = [...still, ...this.held];
  }
}
