/**
 * Allow-lists shared by all rules: values that look like a secret's slot but hold a placeholder,
 * a documented example key, or a reference to where the real secret lives.
 */

/** Published in vendor docs; committing them leaks nothing. */
const DOCUMENTED_EXAMPLES = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'AKIAI44QH8DHBEXAMPLE',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
]);

const PLACEHOLDER_WORDS =
  /x{4,}|\*{3,}|\.{3}|…|<[^>]{0,60}>|\{\{|\$\{|\$\(|%\(|^\$[A-Za-z_]|your[_-]?|changeme|change[_-]me|example|placeholder|redacted|dummy|sample|replace[_-]?(?:me|this|with)|insert[_-]?|put[_-]|enter[_-]|fake[_-]|notreal|not[_-]a[_-]real|mysecret|secret[_-]?here|token[_-]?here|key[_-]?here|password[_-]?here/i;

const ENV_REFERENCE =
  /^(?:process\.env|import\.meta\.env|os\.environ|os\.getenv|getenv|env\(|ENV\[|System\.getenv|Environment\.|secrets\.|vault:|arn:aws:secretsmanager)/;

/** True when the value is a placeholder, a documented example or an environment reference. */
export function isAllowedValue(value: string): boolean {
  if (DOCUMENTED_EXAMPLES.has(value)) return true;
  if (PLACEHOLDER_WORDS.test(value)) return true;
  if (ENV_REFERENCE.test(value)) return true;
  if (/^(?:sha(?:1|256|384|512))-[A-Za-z0-9+/=]{20,}$/.test(value)) return true;
  return isLowVariety(value);
}

/** Repeated characters (`aaaa…`, `0000…`) or a straight run like `abcde`/`12345`. */
export function isLowVariety(value: string): boolean {
  if (/(.)\1{5,}/.test(value)) return true;
  if (distinctChars(value) < Math.min(6, Math.ceil(value.length / 3))) return true;
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    run = value.charCodeAt(i) - value.charCodeAt(i - 1) === 1 ? run + 1 : 1;
    if (run >= 5) return true;
  }
  return false;
}

// Both run once per candidate secret, so for every line of key-shaped output: counting into a reused
// array instead of a Set/Map of one-character strings keeps that cheap.
const ASCII_COUNTS = new Int32Array(128);

function charCounts(value: string): number[] {
  const counts: number[] = [];
  let wide: Map<string, number> | undefined;
  ASCII_COUNTS.fill(0);
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c < 128) ASCII_COUNTS[c]!++;
    else (wide ??= new Map()).set(ch, (wide.get(ch) ?? 0) + 1);
  }
  for (const n of ASCII_COUNTS) if (n) counts.push(n);
  if (wide) counts.push(...wide.values());
  return counts;
}

function distinctChars(value: string): number {
  return charCounts(value).length;
}

/** Shannon entropy in bits per character (characters are code points). */
export function shannonEntropy(value: string): number {
  if (!value) return 0;
  const counts = charCounts(value);
  const total = counts.reduce((a, b) => a + b, 0);
  let bits = 0;
  for (const n of counts) {
    const p = n / total;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Lockfiles hold integrity hashes and registry URLs, never secrets we could act on. */
const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'composer.lock',
  'Gemfile.lock',
  'Cargo.lock',
  'poetry.lock',
  'Pipfile.lock',
  'go.sum',
]);

export function isLockfile(file: string): boolean {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  return LOCKFILES.has(base);
}

/** Inline suppression marker, honoured on the secret's line or the line just above it. */
export const INLINE_IGNORE = 'br-ignore-secret';
