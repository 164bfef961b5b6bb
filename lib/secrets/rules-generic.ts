import { isAllowedValue, shannonEntropy } from './allow';
import type { SecretRule } from './types';

const SECRET_NAME = String.raw`[A-Za-z0-9_.-]{0,40}(?:password|passwd|passphrase|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|auth[_.-]?key|signing[_.-]?key|encryption[_.-]?key|credentials?)[A-Za-z0-9_.-]{0,30}`;

/** Names that contain a secret word but hold metadata about the secret, not the secret itself. */
const METADATA_NAME =
  /(?:type|url|uri|endpoint|path|file|filename|name|field|label|header|prefix|id|ids|count|length|len|limit|max|min|size|ttl|expiry|expires|expiration|expires_?at|format|version|hash|hashed|checksum|digest|sha|integrity|fingerprint|public|placeholder|regex|pattern|env|var|param|key_?id|tokens|_in|policy|rotation|manager|store|provider|strength|prompt|hint|input|mode|method|enabled|required|len|kind|class|ref|location|dir|mount|question|length)$/i;

function isCodeLike(value: string): boolean {
  return (
    /^[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)+(?:\(\))?$/.test(value) || // config.apiKey
    /^[A-Za-z_$][A-Za-z0-9_$]*\(/.test(value) || // readSecret(…)
    /^[a-z]+(?:[_-][a-z]+)*$/.test(value) || // my-token-name, snake_words
    /^[A-Z]+(?:_[A-Z]+)*$/.test(value) || // CONSTANT_NAME
    /:\/\/|^\.{0,2}\/|^[A-Za-z]:\\/.test(value) || // URLs and paths
    /^\d{1,4}(?:\.\d{1,4}){1,3}(?:[-+][\w.]+)?$/.test(value) || // 1.2.3-beta
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
      /\b[a-zA-Z][a-zA-Z0-9+.-]{1,30}:\/\/(?<user>[^\s:@/"'`<>]{1,64}):(?<s>[^\s:@/"'`<>]{3,128})@[a-zA-Z0-9_[\]-][a-zA-Z0-9._[\]-]{0,254}/dg,
    validate: (secret, ctx) => {
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
      String.raw`(?<name>${SECRET_NAME})["'\x60]?\s{0,5}(?::=|=>|=|:|\sto\s|\sis\s)\s{0,5}(?:[A-Za-z]{1,10}\()?(?<q>["'\x60])(?<s>[^"'\x60\s\\]{8,200})\k<q>`,
      'dgi',
    ),
    validate: (secret, ctx) =>
      !METADATA_NAME.test(ctx.match.groups?.name ?? '') && looksLikeSecretValue(secret),
  },
  {
    id: 'generic-secret-assignment',
    description: 'High-entropy unquoted value for a password/secret/token/key name (.env, YAML, INI)',
    keywords: ['pass', 'pwd', 'secret', 'token', 'key', 'credential'],
    caseInsensitiveKeywords: true,
    pattern: new RegExp(
      String.raw`^[ \t]{0,20}(?:export[ \t]{1,5}|ENV[ \t]{1,5}|ARG[ \t]{1,5}|-[ \t]{1,5})?(?<name>${SECRET_NAME})[ \t]{0,5}[=:][ \t]{0,5}(?<s>[^\s"'\x60#,;{}()[\]]{8,200})[ \t]*(?:#[^\n]{0,200})?$`,
      'dgim',
    ),
    validate: (secret, ctx) =>
      !METADATA_NAME.test(ctx.match.groups?.name ?? '') && looksLikeSecretValue(secret),
  },
];
