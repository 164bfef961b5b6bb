import type { Writable } from 'node:stream';
import { openStatusSession, type BuildStatusReport } from '../../services/build-status';
import type { ServiceContext } from '../../services/context';
import { watchProgress } from '../../services/watch';
import { statusEvents } from '../../services/watch-events';
import { eventLines } from './events';
import { EXIT_CODES, isTerminal, renderFrame } from './progress';

export interface WatchOutput {
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable;
  color: boolean;
  json: boolean;
  intervalMs?: number;
}

/**
 * Follows a build until it ends: a frame redrawn in place on a terminal (log-update), a plain event
 * log when the output is a pipe or file, one JSON event per line with --json. Ctrl-C stops watching,
 * not the build. Returns the exit code for the build's outcome.
 */
export async function watchBuild(ctx: ServiceContext, id: string, out: WatchOutput): Promise<number> {
  const tty = Boolean(out.stdout.isTTY) && !out.json;
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const session = await openStatusSession(ctx, id, { forecast: 'background' });
  const restoreWarnings = tty ? holdWarnings(out.stderr) : () => {};
  let draw: ((text: string) => void) & { done?: () => void } = () => {};
  if (tty) {
    const logUpdate = (await import('log-update')).default;
    draw = logUpdate.create(out.stdout as NodeJS.WriteStream, { showCursor: true });
  }
  let previous: BuildStatusReport | null = null;
  let frame = '';
  try {
    const final = await watchProgress(() => session.read(), {
      intervalMs: out.intervalMs ?? 1000,
      signal: abort.signal,
      isTerminal,
      onSnapshot: (report) => {
        const now = Date.now();
        if (tty) {
          const rows = out.stdout.rows ?? 40;
          frame = renderFrame(report, {
            color: out.color,
            width: out.stdout.columns ?? 120,
            maxRows: Math.max(5, rows - 10),
          });
          draw(frame);
        } else {
          for (const event of statusEvents(previous, report, now))
            if (out.json) out.stdout.write(`${JSON.stringify(event)}\n`);
            else for (const line of eventLines(event, now)) out.stdout.write(`${line}\n`);
        }
        previous = report;
      },
      onRetry: (err, n) => {
        const line = `progress unavailable (${err.message.split('\n')[0]}), retry ${n}…`;
        if (out.json)
          out.stdout.write(`${JSON.stringify({ type: 'retry', at: Date.now(), attempt: n, error: line })}\n`);
        else if (tty) draw(`${frame}\n${line}`);
        else out.stderr.write(`${line}\n`);
      },
    });
    draw.done?.();
    if (!final || !isTerminal(final.status)) {
      out.stderr.write(`Stopped watching; build ${id} goes on. Resume with: br build watch ${id}\n`);
      return 0;
    }
    return EXIT_CODES[final.status] ?? 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
    restoreWarnings();
    await session.close();
  }
}

/**
 * Runtime warnings written while the frame is redrawn would tear it apart: they are held and printed
 * once the view is done.
 */
function holdWarnings(stderr: Writable): () => void {
  const listeners = process.listeners('warning');
  const held: Error[] = [];
  const hold = (w: Error) => void held.push(w);
  process.removeAllListeners('warning');
  process.on('warning', hold);
  return () => {
    process.removeListener('warning', hold);
    for (const l of listeners) process.on('warning', l);
    for (const w of held) stderr.write(`(warning while watching) ${w.name}: ${w.message}\n`);
  };
}
