/**
 * What a closed stdout or stderr (EPIPE) does to `br`. A short command whose reader left early
 * (`br config show | head -2`) ends quietly, exit 0. A long-running one (`br dev`, `br worker`) keeps
 * going: under `br dev 2>&1 | tee dev.log`, Ctrl-C kills tee too, and the lines written while stopping
 * get EPIPE; exiting then would leave the Temporal dev server running. Its lines are lost instead.
 */
let keepRunning = false;

/** Called by long-running commands before they start anything that must be stopped. */
export function keepRunningOnClosedOutput(): void {
  keepRunning = true;
}

export function handleOutputErrors(streams: NodeJS.WritableStream[]): void {
  for (const stream of streams)
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      if (!keepRunning) process.exit(0);
    });
}
