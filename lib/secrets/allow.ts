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

// Both checks run once per candidate secret, so for every line of key-shaped output: ASCII characters
// are counted in reused arrays (a stamp marks which entries belong to this call) instead of a Set or a
// Map of one-character strings, which made them the largest cost of masking such output.
const STAMP = new Uint32Array(128);
const COUNT = new Uint32Array(128);
let stamp = 0;

function nextStamp(): number {
  if (++stamp === 0xffffffff) {
    STAMP.fill(0);
    stamp = 1;
  }
  return stamp;
}

/** Repeated characters (`aaaaaa`, `000000`), few distinct ones, or a straight run like `abcde`/`12345`. */
export function isLowVariety(value: string): boolean {
  const id = nextStamp();
  let distinct = 0;
  let wide: Set<string> | undefined;
  let run = 1;
  let same = 1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 128) {
      if (STAMP[c] !== id) {
        STAMP[c] = id;
        distinct++;
      }
    } else (wide ??= new Set()).add(String.fromCodePoint(value.codePointAt(i)!));
    if (i === 0) continue;
    const d = c - value.charCodeAt(i - 1);
    run = d === 1 ? run + 1 : 1;
    same = d === 0 && c !== 10 && c !== 13 ? same + 1 : 1;
    if (run >= 5 || same >= 6) return true;
  }
  return distinct + (wide?.size ?? 0) < Math.min(6, Math.ceil(value.length / 3));
}

/** Shannon entropy in bits per character (code points). */
export function shannonEntropy(value: string): number {
  if (!value) return 0;
  const id = nextStamp();
  const seen: number[] = [];
  let wide: Map<string, number> | undefined;
  let total = 0;
  for (let i = 0; i < value.length; i++) {
    total++;
    const c = value.charCodeAt(i);
    if (c < 128) {
      if (STAMP[c] !== id) {
        STAMP[c] = id;
        COUNT[c] = 0;
        seen.push(c);
      }
      COUNT[c]!++;
    } else {
      const ch = String.fromCodePoint(value.codePointAt(i)!);
      i += ch.length - 1;
      (wide ??= new Map()).set(ch, (wide.get(ch) ?? 0) + 1);
    }
  }
  let bits = 0;
  const add = (n: number) => {
    const p = n / total;
    bits -= p * Math.log2(p);
  };
  for (const c of seen) add(COUNT[c]!);
  for (const n of wide?.values() ?? []) add(n);
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
