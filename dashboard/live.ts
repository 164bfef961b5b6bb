import type { ServerResponse } from 'node:http';
import type { Database } from '../lib/db/connection';
import { changeMark } from '../services/dashboard-build';

/**
 * Server-sent events: one poller asks the database for its change mark every `pollMs` while at least one
 * page listens, and tells every page when it moved. `retry` makes browsers reconnect within a second
 * after the server restarts.
 */
export class LiveFeed {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private mark: string | undefined;
  private polling = false;

  constructor(
    private readonly db: Database,
    private readonly pollMs: number,
  ) {}

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    res.write(`event: hello\ndata: ${this.mark ?? ''}\n\n`);
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stop();
    });
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.pollMs);
      void this.poll();
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const mark = await changeMark(this.db);
      if (this.mark !== undefined && mark !== this.mark) this.broadcast('change', mark);
      this.mark = mark;
    } catch {
      // A database restarting is reported by the pages' next fetch; the feed keeps polling.
    } finally {
      this.polling = false;
    }
  }

  private broadcast(event: string, data: string): void {
    for (const res of this.clients) res.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stop();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
