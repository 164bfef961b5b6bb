import { isAllowedValue, shannonEntropy } from './allow';
import type { MatchContext, SecretRule } from './types';

// The regexes start at the secret word itself (not at a name prefix), so the engine only does real
// work where one occurs; the rest of the name is read back from the text in `fullName`.
const SECRET_WORD = String.raw`(?:password|passwd|passphrase|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|auth[_.-]?key|signing[_.-]?key|encryption[_.-]?key|credentials?)`;
const NAME_TAIL = String.raw`[A-Za-z0-9_.-]{0,30}`;

/** What may precede an unquoted `NAME=value` on its line: indentation, `export`, `ENV`/`ARG`, a YAML dash, the rest of the name. */
const LINE_START =
  /^[ \t]{0,20}(?:export[ \t]{1,5}|ENV[ \t]{1,5}|ARG[ \t]{1,5}|-[ \t]{1,5})?[A-Za-z0-9_.-]{0,40}$/;

function fullName(ctx: MatchContext): string {
  let start = ctx.index;
  while (start > 0 && ctx.index - start < 40 && /[A-Za-z0-9_.-]/.test(ctx.content[start - 1]!)) start--;
  return ctx.content.slice(start, ctx.index) + (ctx.match.groups?.name ?? '');
}

/** Names that contain a secret word but hold metadata about the secret, not the secret itself. */
const METADATA_NAME =
  /(?:type|url|uri|endpoint|path|file|filename|name|field|label|header|prefix|id|ids|count|length|len|limit|max|min|size|ttl|expiry|expires|expiration|expires_?at|format|version|hash|hashed|checksum|digest|sha|integrity|fingerprint|public|placeholder|regex|pattern|env|var|param|key_?id|tokens|_in|policy|rotation|manager|store|provider|strength|prompt|hint|input|mode|method|enabled|required|len|kind|class|ref|location|dir|mount|question|length)$/i;

/** camelCase/PascalCase made of word-like parts (each with a vowel, or a short acronym): an identifier, not a key. */
function isCamelWords(value: string): boolean {
  const body = value.replace(/^[^A-Za-z0-9]/, '');
  if (!/^[A-Za-z]{6,80}$/.test(body)) return false;
  const parts = body.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [];
  return parts.every((p) => (/^[A-Z]+$/.test(p) ? p.length <= 4 : p.length >= 2 && /[aeiouy]/i.test(p)));
}

function isCodeLike(value: string): boolean {
  return (
    /^[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)+(?:\(\))?$/.test(value) || // config.apiKey
    /^[A-Za-z_$][A-Za-z0-9_$]*\(/.test(value) || // readSecret(…)
    /^[a-z]+(?:[_-][a-z]+)*$/.test(value) || // my-token-name, snake_words
    /^[A-Z]+(?:_[A-Z]+)*$/.test(value) || // CONSTANT_NAME
    /:\/\/|^\.{0,2}\/|^[A-Za-z]:\\/.test(value) || // URLs and paths
    /^\d{1,4}(?:\.\d{1,4}){1,3}(?:[-+][\w.]+)?$/.test(value) || // 1.2.3-beta
    isCamelWords(value) || // ?InterpolationInJSX
    /\.(?:json|ya?ml|txt|pem|key|crt|env|js|ts|py|toml|ini|cfg|conf)$/i.test(value)
  );
}

function classes(value: string): number {
  return (
    Number(/[a-z]/.test(value)) +
    Number(/[A-Z]/.test(value)) +
    Number(/\d/.test(value)) +
    Number(/[^A-Za-z0-9]/.test(value))
  );
}

/** Random enough to be a credential: long and high-entropy, or shorter with a password's mix of classes. */
export function looksLikeSecretValue(value: string): boolean {
  if (isAllowedValue(value) || isCodeLike(value)) return false;
  const h = shannonEntropy(value);
  // Hex tops out at 4 bits per character, so random hex keys need a lower bar than base64 ones.
  if (value.length >= 20)
    return /^[0-9a-f]+$/i.test(value) ? h >= 3 && /\d/.test(value) : h >= 3.5 && classes(value) >= 2;
  if (value.length >= 12) return h >= 3 && classes(value) >= 3;
  return h >= 2.9 && classes(value) >= 3 && /\d/.test(value);
}

function jwtIsExample(token: string): boolean {
  const payload = Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('latin1');
  return /John Doe|1234567890|example/i.test(payload);
}

/** Key blocks, credentials in URLs, JWTs and named assignments: shape plus context. */
export const GENERIC_RULES: SecretRule[] = [
  {
    id: 'private-key',
    description: 'Private key block (RSA, EC, DSA, OpenSSH, PGP, PKCS#8, encrypted)',
    keywords: ['PRIVATE KEY'],
    // Optional PEM headers (Proc-Type, DEK-Info, Version), then the first line of base64 body.
    pattern:
      /-----BEGIN[ A-Z0-9]{0,25}PRIVATE KEY(?: BLOCK)?-----(?:\\[rn]|\s){1,8}(?:[A-Za-z-]{1,20}: [^\n\\]{1,100}(?:\\[rn]|\s){1,6}){0,4}(?<s>[A-Za-z0-9+/=]{40,100})/dg,
    reportAtMatchStart: true,
  },
  {
    id: 'connection-url-credentials',
    description: 'Password in a connection URL (scheme://user:password@host)',
    keywords: ['://'],
    pattern:
      /:\/\/(?<user>[^\s:@/"'`<>]{1,64}):(?<s>[^\s:@/"'`<>]{3,128})@[a-zA-Z0-9_[\]-][a-zA-Z0-9._[\]-]{0,254}/dg,
    validate: (secret, ctx) => {
      if (
        !/(?:^|[^a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]{1,30}$/.test(
          ctx.content.slice(Math.max(0, ctx.index - 32), ctx.index),
        )
      )
        return false;
      const user = ctx.match.groups?.user ?? '';
      if (/^\d{1,5}$/.test(secret) || secret === user) return false;
      if (
        /^(?:pass(?:word)?|pwd|secret|admin|root|guest|test|user|postgres|mysql|redis|none|null)$/i.test(
          secret,
        )
      )
        return false;
      return !/^[$%{]|^\*+$|:?password$/i.test(secret);
    },
  },
  {
    id: 'jwt',
    description: 'JSON Web Token next to a token/secret/auth name',
    keywords: ['eyJ'],
    pattern:
      /\b(?<s>eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,4000}\.[A-Za-z0-9_-]{16,1000})(?![A-Za-z0-9_-])/dg,
    validate: (secret, ctx) =>
      /token|secret|auth|bearer|jwt|session|cookie|credential|password|api[_-]?key/i.test(ctx.line) &&
      !jwtIsExample(secret),
  },
  {
    id: 'generic-secret-assignment',
    description: 'High-entropy value assigned to a password/secret/token/key name',
    keywords: ['pass', 'pwd', 'secret', 'token', 'key', 'credential'],
    caseInsensitiveKeywords: true,
    pattern: new RegExp(
      String.raw`(?<name>${SECRET_WORD}${NAME_TAIL})["'\x60]?\s{0,5}(?::=|=>|=|:|\sto\s|\sis\s)\s{0,5}(?:[A-Za-z]{1,10}\()?(?<q>["'\x60])(?<s>[^"'\x60\s\\]{8,200})\k<q>`,
      'dgi',
    ),
    validate: (secret, ctx) => !METADATA_NAME.test(fullName(ctx)) && looksLikeSecretValue(secret),
  },
  {
    id: 'generic-secret-assignment',
    description: 'High-entropy unquoted value for a password/secret/token/key name (.env, YAML, INI)',
    keywords: ['pass', 'pwd', 'secret', 'token', 'key', 'credential'],
    caseInsensitiveKeywords: true,
    pattern: new RegExp(
      String.raw`(?<name>${SECRET_WORD}${NAME_TAIL})[ \t]{0,5}[=:][ \t]{0,5}(?<s>[^\s"'\x60#,;{}()[\]]{8,200})[ \t]*(?:#[^\n]{0,200})?$`,
      'dgim',
    ),
    validate: (secret, ctx) =>
      LINE_START.test(ctx.content.slice(ctx.content.lastIndexOf('\n', ctx.index) + 1, ctx.index)) &&
      !METADATA_NAME.test(fullName(ctx)) &&
      looksLikeSecretValue(secret),
  },
];
