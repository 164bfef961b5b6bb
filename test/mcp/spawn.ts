import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.join(__dirname, '../..');

/** `br …` from the TypeScript sources (what bin/br.js runs without a build), as its own process. */
export function spawnBr(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] },
): ChildProcessWithoutNullStreams {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  return spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', tsx, path.join(root, 'cli/bin.ts'), ...args],
    { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env } },
  );
}

/** Resolves with the first stderr text matching re (the server says when it is ready, and where). */
export function waitForStderr(
  child: ChildProcessWithoutNullStreams,
  re: RegExp,
  timeoutMs = 90_000,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${re} on stderr; got:\n${text}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = re.exec(text);
      if (match) {
        clearTimeout(timer);
        child.stderr.off('data', onData);
        resolve(match);
      }
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`br exited with ${code} before ${re}; stderr:\n${text}`)));
  });
}

export function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', r));
}
