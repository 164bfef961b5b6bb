import { spawn } from 'node:child_process';

/** Asks the desktop to open a URL; on a machine without one nothing happens and the URL stays printed. */
export function openBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener installed: the printed URL is enough.
  }
}
