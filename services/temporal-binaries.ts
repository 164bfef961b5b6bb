import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths';

/**
 * Where the Temporal binaries come from, in order: an environment variable (BR_TEMPORAL_CLI,
 * BR_TEMPORAL_TEST_SERVER), the project's `.tools/temporal` folder filled by
 * scripts/install-temporal.sh, then PATH.
 */
export type TemporalBinary = 'cli' | 'test-server';

const NAMES: Record<TemporalBinary, { env: string; file: string }> = {
  cli: { env: 'BR_TEMPORAL_CLI', file: 'temporal' },
  'test-server': { env: 'BR_TEMPORAL_TEST_SERVER', file: 'temporal-test-server' },
};

export const INSTALL_HINT = 'run `bash scripts/install-temporal.sh` (or set BR_TEMPORAL_CLI)';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The folder holding scripts/install-temporal.sh's venv: this checkout's `.tools/temporal/bin`. */
export function toolsBinDir(): string {
  return path.join(packageRoot(), '.tools', 'temporal', 'bin');
}

export interface Located {
  path: string;
  source: 'env' | 'tools' | 'PATH';
}

export function locateTemporalBinary(
  kind: TemporalBinary,
  env: NodeJS.ProcessEnv = process.env,
): Located | null {
  const { env: variable, file } = NAMES[kind];
  const fromEnv = env[variable];
  if (fromEnv) return executable(fromEnv) ? { path: path.resolve(fromEnv), source: 'env' } : null;
  const tools = path.join(toolsBinDir(), file);
  if (executable(tools)) return { path: tools, source: 'tools' };
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, file))) return { path: path.join(dir, file), source: 'PATH' };
  }
  return null;
}
