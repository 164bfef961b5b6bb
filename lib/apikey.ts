import { UserError } from './errors';

/**
 * The Anthropic API key: checked, and only ever shown
 * masked. It is handed to the Anthropic client inside the worker and nowhere else: never to a
 * workflow argument, a history, a log line, the database or an error message.
 */

export const KEY_PREFIX = 'sk-ant-';

export class ApiKeyError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

export interface ResolvedKey {
  key: string;
  source: 'environment' | '.env';
}

/** Shows the prefix and the last 4 characters only: never more, whatever the key's length. */
export function maskKey(key: string): string {
  if (!key.startsWith(KEY_PREFIX) || key.length < KEY_PREFIX.length + 8) return '****';
  return `${KEY_PREFIX}…${key.slice(-4)}`;
}

export function checkKeyFormat(key: string, source: string): void {
  if (!key.startsWith(KEY_PREFIX) || key.length < KEY_PREFIX.length + 20 || /\s/.test(key)) {
    throw new ApiKeyError(
      `ANTHROPIC_API_KEY from ${source} does not look like an Anthropic API key ` +
        `(expected "${KEY_PREFIX}…", no spaces; the value has ${key.length} characters and is not shown). ` +
        'Create a key at console.anthropic.com and set ANTHROPIC_API_KEY.',
    );
  }
}

/** Replaces every occurrence of the key in text with its mask (for messages from libraries). */
export function redactKey(text: string, key: string | undefined): string {
  if (!key || key.length < 8) return text;
  return text.split(key).join(maskKey(key));
}
