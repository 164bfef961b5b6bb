import type { Writable } from 'node:stream';
import type { BuildBackend } from '../../services/build-backend';
import type { ServiceContext } from '../../services/context';
import { watchProgress } from '../../services/watch';
import type { ProgressSnapshot } from '../../services/build-types';
import { diffEvents, EXIT_CODES, isTerminal, renderFrame } from './progress';

export interface WatchOutput {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  color: boolean;
  json: boolean;
  intervalMs?: number;
}

/**
 * Follows a build until it ends: a frame redrawn in place on a terminal (log-update), ordered line
 * events when the output is a pipe or file, the final snapshot as JSON with --json. Ctrl-C stops
 * watching, not the build. Returns the exit code for the build's outcome.
 */
export async function watchBuild(
  ctx: ServiceContext,
  backend: BuildBackend,
  id: string,
  out: WatchOutput,
): Promise<number> {
  const tty = Boolean(out.stdout.isTTY) && !out.json;
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  let draw: ((text: string) => void) & { done?: () => void } = () => {};
  if (tty) {
    const logUpdate = (await import('log-update')).default;
    draw = logUpdate.create(out.stdout as NodeJS.WriteStream, { showCursor: true });
  }
  let previous: ProgressSnapshot | null = null;
  try {
    const final = await watchProgress(() => backend.progress(ctx, id), {
      intervalMs: out.intervalMs ?? 1000,
      signal: abort.signal,
      isTerminal,
      onSnapshot: (snapshot) => {
        if (tty) draw(renderFrame(snapshot, { color: out.color, maxRows: 30 }));
        else if (!out.json) for (const line of diffEvents(previous, snapshot)) out.stdout.write(`${line}\n`);
        previous = snapshot;
      },
      onRetry: (err, n) =>
        out.stderr.write(`progress unavailable (${err.message.split('\n')[0]}), retry ${n}…\n`),
    });
    draw.done?.();
    if (out.json && final) out.stdout.write(`${JSON.stringify(final, null, 2)}\n`);
    if (!final || !isTerminal(final.status)) {
      out.stderr.write(`Stopped watching; build ${id} goes on. Resume with: br build watch ${id}\n`);
      return 0;
    }
    return EXIT_CODES[final.status] ?? 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
