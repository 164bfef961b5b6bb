import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';

/**
 * Where sinks read their secrets: the worker's environment over the `.env` file in its project folder
 * (the same file the API key may come from). Nothing else: never config, never a workflow's input.
 */
export function workerEnv(env: NodeJS.ProcessEnv, root: string): Record<string, string | undefined> {
  const file = path.join(root, '.env');
  const fromFile = existsSync(file) ? parse(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}
