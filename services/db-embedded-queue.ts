/**
 * Keeps each connection's extended-protocol exchange whole on the embedded server's one PGlite session.
 *
 * @electric-sql/pglite-socket 0.2 queues every wire message on its own and serves the queue in order.
 * When a client's Parse, Bind, Describe, Execute and Sync reach the server in more than one read (a
 * large message, a loaded machine), another connection's messages can run between them: they replace
 * the unnamed statement and portal, so the first client fails ("unnamed prepared statement does not
 * exist", `portal "" does not exist`) or gets the other statement's rows. Under a build this failed
 * tasks on their first attempt with no retry. Here the messages that never stand alone (Parse, Bind,
 * Describe, Execute, Close) wait per connection and go to the queue together with the message that ends
 * the exchange (Sync, Flush, a simple Query, ...), as one item the library runs in one exclusive turn.
 */

type OnData = (data: Uint8Array) => void;

interface QueryQueue {
  enqueue(handlerId: number, message: Uint8Array, onData: OnData): Promise<number>;
  clearQueueForHandler(handlerId: number): void;
}

/** Frontend messages that are always followed by more of the same exchange: P, B, D, E, C. */
const CONTINUED = new Set([0x50, 0x42, 0x44, 0x45, 0x43]);

/** Makes the server's queue take a connection's exchange up to its Sync as one item. */
export function groupExtendedProtocol(server: object): void {
  const queue = (server as { queryQueue?: QueryQueue }).queryQueue;
  if (!queue || typeof queue.enqueue !== 'function' || typeof queue.clearQueueForHandler !== 'function')
    throw new Error('pglite-socket changed: the server has no query queue to group messages on');
  const enqueue = queue.enqueue.bind(queue);
  const clear = queue.clearQueueForHandler.bind(queue);
  const pending = new Map<number, Uint8Array[]>();
  queue.enqueue = (handlerId, message, onData) => {
    const held = pending.get(handlerId) ?? [];
    if (CONTINUED.has(message[0]!)) {
      held.push(message);
      pending.set(handlerId, held);
      return Promise.resolve(0);
    }
    pending.delete(handlerId);
    return enqueue(handlerId, held.length ? concat([...held, message]) : message, onData);
  };
  queue.clearQueueForHandler = (handlerId) => {
    pending.delete(handlerId);
    clear(handlerId);
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
