import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import { ApiKeyError, checkKeyFormat, type ResolvedKey } from '../lib/apikey';

/** Finding the Anthropic API key: the environment first, then a .env file in the working folder (lib/apikey checks and masks it). */

export function findApiKey(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ResolvedKey | null {
  const env = options.env ?? process.env;
  const fromEnv = env.ANTHROPIC_API_KEY?.trim();
  if (fromEnv) return { key: fromEnv, source: 'environment' };
  const dotenv = path.join(options.cwd ?? process.cwd(), '.env');
  if (existsSync(dotenv)) {
    const key = parse(readFileSync(dotenv)).ANTHROPIC_API_KEY?.trim();
    if (key) return { key, source: '.env' };
  }
  return null;
}

/** The key, checked; throws ApiKeyError (never containing the key) when missing or malformed. */
export function requireApiKey(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ResolvedKey {
  const found = findApiKey(options);
  if (!found) {
    throw new ApiKeyError(
      'ANTHROPIC_API_KEY is not set. Export it, or put ANTHROPIC_API_KEY=sk-ant-… in a .env file in this folder ' +
        '(BuildRunner never stores it). Offline commands (`br plan --heuristic-plan`, `br build simulate`) need no key.',
    );
  }
  checkKeyFormat(found.key, found.source === 'environment' ? 'the environment' : '.env');
  return found;
}
