import { isLowVariety, shannonEntropy } from './allow';
import { ASSIGN } from './rules-providers';
import type { SecretRule } from './types';

/**
 * Builders for the provider catalog (rules-catalog-*.ts): a table of token formats, turned into
 * rules. Two shapes cover almost every provider: a token with its own prefix (found anywhere), and a
 * provider-named assignment whose value has the provider's length and alphabet.
 */

export interface Prefixed {
  id: string;
  family: string;
  description: string;
  /** Regex source of the whole token; the prefix makes it specific. */
  token: string;
  /** Literal strings one of which the text must contain (the prefix). */
  keywords: string[];
  /** The token has a fixed run (`AAAAAAAAAA`, `T3BlbkFJ`) the placeholder check would mistake. */
  fixedRun?: boolean;
  /** Case-insensitive token (the provider documents both cases). */
  ignoreCase?: boolean;
}

export interface Named {
  id: string;
  family: string;
  description: string;
  /** Regex source of the provider names (lower case; matched case-insensitively inside identifiers). */
  names: string;
  keywords: string[];
  /** Regex source of the value (its length and alphabet). */
  value: string;
  /** Short names (lob, sumo) must start an identifier word, so `global` is not `lob`. */
  wordStart?: boolean;
}

/** Minimum bits per character: a real token is random, a look-alike name or word is not. */
const MIN_ENTROPY = 2.8;

const random = (secret: string): boolean =>
  /^\d+$/.test(secret) ? new Set(secret).size >= 6 : shannonEntropy(secret) >= MIN_ENTROPY;

export function prefixed(p: Prefixed): SecretRule {
  return {
    id: p.id,
    description: `${p.description} (${p.family})`,
    keywords: p.keywords,
    caseInsensitiveKeywords: p.ignoreCase,
    pattern: new RegExp(
      String.raw`(?<![A-Za-z0-9_])(?<s>${p.token})(?![A-Za-z0-9_])`,
      p.ignoreCase ? 'dgi' : 'dg',
    ),
    ...(p.fixedRun
      ? { skipPlaceholderCheck: true, validate: (s: string) => shannonEntropy(s) >= 3 && !/x{8,}/i.test(s) }
      : { validate: (s: string) => shannonEntropy(s) >= 3 }),
  };
}

export function named(n: Named): SecretRule {
  const start = n.wordStart ? '(?<![A-Za-z0-9])' : '';
  return {
    id: n.id,
    description: `${n.description} (${n.family}; next to a ${n.family} name)`,
    keywords: n.keywords,
    caseInsensitiveKeywords: true,
    pattern: new RegExp(
      String.raw`${start}(?:${n.names})[A-Za-z0-9_.-]{0,25}${ASSIGN}(?<s>${n.value})(?![A-Za-z0-9_=+/-])`,
      'dgi',
    ),
    // An identifier or words next to a provider name (`linkedInstance`, `datadogtracer`) is code, not a key.
    validate: (s) => random(s) && !isLowVariety(s) && !/^(?:[A-Z]?[a-z]+)+$/.test(s),
  };
}

export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
